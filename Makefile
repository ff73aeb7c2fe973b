# rongqi: build, test, install.
#   make                  build dist/rongqi.mjs and build/rongqi-init (after `npm ci`)
#   make test             the whole test suite (npm test)
#   make install          symlink bin/rongqi into $(DESTDIR)$(BINDIR)
#   make uninstall        remove that symlink
# PREFIX (default /usr/local), BINDIR (default $(PREFIX)/bin) and DESTDIR are honoured.

PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
DESTDIR ?=
NODE := $(CURDIR)/node_modules/.bin/node
TARGET := $(DESTDIR)$(BINDIR)/rongqi

.PHONY: all build test install uninstall

all: build

$(NODE):
	@echo "Node.js 24 is not installed in node_modules: run 'npm ci' first" >&2
	@exit 1

build: $(NODE)
	$(NODE) scripts/build.mjs

test: $(NODE)
	npm test

install: build
	install -d "$(DESTDIR)$(BINDIR)"
	ln -sfn "$(CURDIR)/bin/rongqi" "$(TARGET)"

# Removes the link only if it is ours: a rongqi installed another way stays.
uninstall:
	@if [ -L "$(TARGET)" ] && [ "$$(readlink "$(TARGET)")" = "$(CURDIR)/bin/rongqi" ]; then \
		rm -f "$(TARGET)" && echo "removed $(TARGET)"; \
	elif [ -e "$(TARGET)" ] || [ -L "$(TARGET)" ]; then \
		echo "$(TARGET) is not a link to $(CURDIR)/bin/rongqi: left alone" >&2; exit 1; \
	else \
		echo "$(TARGET) is not installed"; \
	fi
