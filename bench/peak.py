"""What the benches share: a child process's own high-water mark of memory."""

from __future__ import annotations

from pathlib import Path


def vm_hwm_kib() -> int:
    """This process's peak RSS so far (Linux), in KiB; 0 where /proc is missing."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0
