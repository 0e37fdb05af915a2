"""Checks that labo_ctypes' structs have the layout the C compiler gives labo.h's structs.

Compiles struct_layout.c against native/include with the system C compiler, runs it, and compares
every field's offset and size, and each struct's size and alignment, with ctypes. Also checks that
every field of the C struct is mirrored (a field added to labo.h without a ctypes twin fails here).
Run from anywhere: python3 bench/gpu/check_structs.py
"""
import ctypes
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
import labo_ctypes  # noqa: E402

MIRRORS = {"labo_loss_config": labo_ctypes.LossConfig, "labo_loss_args": labo_ctypes.LossArgs}


def c_layout():
    with tempfile.TemporaryDirectory() as tmp:
        exe = os.path.join(tmp, "struct_layout")
        cc = os.environ.get("CC", "cc")
        subprocess.run([cc, "-std=c11", "-Wall", "-Werror", "-I", os.path.join(ROOT, "native", "include"),
                        os.path.join(HERE, "struct_layout.c"), "-o", exe], check=True)
        lines = subprocess.run([exe], check=True, capture_output=True, text=True).stdout.split("\n")
    return [line.split() for line in lines if line.strip()]


def main():
    failures = []
    seen = {name: [] for name in MIRRORS}
    for struct, field, a, b in c_layout():
        mirror = MIRRORS[struct]
        if field == "sizeof":
            got = (ctypes.sizeof(mirror), ctypes.alignment(mirror))
            want = (int(a), int(b))
        else:
            seen[struct].append(field)
            desc = getattr(mirror, field, None)
            got = (desc.offset, desc.size) if desc is not None else None
            want = (int(a), int(b))
        status = "ok" if got == want else "MISMATCH"
        print(f"{struct:18s} {field:22s} C {want}  ctypes {got}  {status}")
        if got != want:
            failures.append(f"{struct}.{field}")
    for struct, mirror in MIRRORS.items():
        extra = [f for f, _ in mirror._fields_ if f not in seen[struct]]
        if extra:
            failures.append(f"{struct}: ctypes fields not in the C struct: {extra}")
        if [f for f, _ in mirror._fields_] != seen[struct]:
            failures.append(f"{struct}: field order differs from the C struct")
    if failures:
        print("struct layout check FAILED:", "; ".join(failures))
        return 1
    print("struct layout check: every field matches labo.h")
    return 0


if __name__ == "__main__":
    sys.exit(main())
