// Writes a new user namespace's uid and gid maps from linux.uidMappings/gidMappings.
import { writeFileSync } from "node:fs";
import { RongqiError } from "../errors.ts";

export interface IdMapping {
  containerID: number;
  hostID: number;
  size: number;
}

export function idMapText(mappings: readonly IdMapping[]): string {
  return mappings.map((m) => `${m.containerID} ${m.hostID} ${m.size}\n`).join("");
}

export function writeIdMaps(pid: number, uids: readonly IdMapping[] | undefined, gids: readonly IdMapping[] | undefined): void {
  const write = (file: string, text: string, field: string) => {
    try {
      writeFileSync(`/proc/${pid}/${file}`, text);
    } catch (err) {
      throw new RongqiError(`${field}: writing /proc/${pid}/${file}: ${(err as NodeJS.ErrnoException).code ?? err}`);
    }
  };
  if (uids?.length) write("uid_map", idMapText(uids), "linux.uidMappings");
  if (gids?.length) write("gid_map", idMapText(gids), "linux.gidMappings");
}
