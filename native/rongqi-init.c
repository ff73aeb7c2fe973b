/* placeholder; see PROTOCOL.md */
int main(void) { return 0; }
