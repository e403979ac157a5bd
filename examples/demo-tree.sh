#!/bin/bash
# Create the demo tree: a small git repository whose commits change a
# fake qemu (a wrapper that sleeps a planted delay, then runs the real
# qemu).  One commit makes the boot 8 s slower, a later one undoes it.
#
#   examples/demo-tree.sh DIR
set -euo pipefail
dir=${1:?usage: demo-tree.sh DIR}
real=$(command -v qemu-system-x86_64)

rm -rf "$dir"
git init -q "$dir"
cd "$dir"
git config user.name "bootperf demo"
git config user.email "demo@bootperf.invalid"
export GIT_AUTHOR_DATE="2016-04-22T12:00:00Z" GIT_COMMITTER_DATE="2016-04-22T12:00:00Z"

# The "source": qemu.sh sleeps $DELAY ms before a boot (a -kernel
# invocation), then runs the real qemu; the feature probes stay quick.
write_qemu() {
	cat >qemu.sh <<EOS
#!/bin/sh
DELAY=$1
case " \$* " in *" -kernel "*) [ "\$DELAY" -gt 0 ] && sleep "\$((DELAY / 1000))" ;; esac
exec $real "\$@"
EOS
	git add qemu.sh
}
cat >Makefile <<'EOS'
build/qemu-system-x86_64: qemu.sh
	mkdir -p build && install -m 0755 qemu.sh $@
EOS
git add Makefile
write_qemu 0 && git commit -qm "Initial import of the fake qemu"
echo "Fake qemu for the bootperf demo." >README && git add README &&
	git commit -qm "Add a README"
write_qemu 8000 && git commit -qm "Load firmware through a slow path"
echo "It sleeps before booting." >>README && git add README &&
	git commit -qm "Document the delay"
write_qemu 0 && git commit -qm "Load firmware with fw_cfg DMA again"
git tag demo-end
