# Writes sys_tags-cpXY-<platform>.txt: what packaging.tags.sys_tags() yields on Windows for a
# CPython X.Y whose sysconfig.get_platform() is <platform>: cpython_tags() then compatible_tags(),
# with that one platform (packaging's _generic_platforms). Run with packaging 24.2:
#   python windows_sys_tags.py 3 12 win_amd64; … 3 13 win_arm64; … 3 9 win32
import sys

from packaging import tags

major, minor, plat = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
version = (major, minor)
cp = "cp%d%d" % version
out = list(tags.cpython_tags(python_version=version, abis=[cp], platforms=[plat]))
out += list(tags.compatible_tags(python_version=version, interpreter=cp, platforms=[plat]))
with open("sys_tags-%s-%s.txt" % (cp, plat), "w") as f:
    f.write("".join(str(tag) + "\n" for tag in out))
