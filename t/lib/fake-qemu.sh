#!/bin/bash
# A stand-in hypervisor for tests: logs every invocation, then behaves as
# FAKE_QEMU_MODE says (read from the file beside it, since libguestfs
# gives qemu its own environment):
#   pass      exec the real qemu
#   hang      a boot (-kernel) sleeps forever; feature probes pass through
#   hang-kvm  a boot under accel=kvm sleeps forever, others pass through
#   delay:MS  a boot sleeps MS milliseconds first
#   exit      a boot exits at once with status 1
#   crash:MS  a boot runs the real qemu and kills it with SIGSEGV after MS
#             milliseconds (qemu crashing mid-boot)
#   paused    a boot runs the real qemu with -S: the guest never runs, so
#             the appliance never answers
# Real qemus it starts carry "-name fakeqemu-MARKER", sleeps "MARKER",
# so tests can look for what is left (MARKER: the file marker beside it).
# With a file linger beside it ("group" or "setsid"), a boot first leaves
# "sleep MARKER.5" behind, in qemu's process group or in a session of its
# own, and adds its pid to the file lingered (proof that it ran): what
# bootperf must kill however the boot ends.
here=$(cd "$(dirname "$0")" && pwd)
mode=$(cat "$here/mode" 2>/dev/null || echo pass)
marker=$(cat "$here/marker" 2>/dev/null || echo 6464646)
real=${FAKE_QEMU_REAL:-/usr/bin/qemu-system-x86_64}
printf '%s\n' "$*" >>"$here/invocations"

booting=false
case " $* " in *" -kernel "*) booting=true ;; esac
if $booting && [ -e "$here/linger" ]; then
	setsid=
	[ "$(cat "$here/linger")" != setsid ] || setsid=setsid
	touch "$here/lingered"
	before=$(wc -l <"$here/lingered")
	# shellcheck disable=SC2016 # expanded by the inner sh
	$setsid sh -c 'echo $$ >>"$1/lingered"; exec sleep "$2.5"' sh \
		"$here" "$marker" </dev/null >/dev/null 2>&1 &
	until [ "$(wc -l <"$here/lingered")" -gt "$before" ]; do
		sleep 0.01
	done
fi
if $booting; then
	case "$mode" in
	hang) exec sleep "$marker" ;;
	hang-kvm)
		case " $* " in *accel=kvm*) exec sleep "$marker" ;; esac ;;
	delay:*)
		ms=${mode#delay:}
		sleep "$((ms / 1000)).$(printf '%03d' $((ms % 1000)))" ;;
	exit) echo "fake qemu: exiting at once" >&2; exit 1 ;;
	crash:*)
		ms=${mode#crash:}
		"$real" "$@" -name "fakeqemu-$marker" &
		pid=$!
		sleep "$((ms / 1000)).$(printf '%03d' $((ms % 1000)))"
		kill -SEGV "$pid"
		wait "$pid"
		exit $? ;;
	paused) exec "$real" "$@" -S -name "fakeqemu-$marker" ;;
	esac
fi
exec "$real" "$@"
