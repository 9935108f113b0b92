# Facts about an interpreter, printed as JSON. pvm runs this once per interpreter and caches it.
# Written for every Python pvm may meet (2.7 included, so it can say "too old" instead of crashing).
import json
import os
import platform
import struct
import sys
import sysconfig


def base_executable():
    # Inside a venv, the interpreter the venv was made from; never a shim.
    if sys.prefix != getattr(sys, "base_prefix", sys.prefix):
        base = getattr(sys, "_base_executable", None)
        if base and os.path.isfile(base) and not base.startswith(sys.prefix + os.sep):
            return base
        cfg = os.path.join(sys.prefix, "pyvenv.cfg")
        try:
            with open(cfg) as handle:
                for line in handle:
                    key, _, value = line.partition("=")
                    if key.strip() == "home":
                        name = os.path.basename(sys.executable)
                        return os.path.join(value.strip(), name)
        except (IOError, OSError):
            pass
    return sys.executable


def scheme_paths():
    # Where a venv keeps things, relative to its root: the `venv` scheme where the interpreter
    # has one (3.11+, and Debian's), else the plain POSIX or Windows one.
    names = sysconfig.get_scheme_names()
    if "venv" in names:
        scheme = "venv"
    elif os.name == "nt":
        scheme = "nt"
    else:
        scheme = "posix_prefix"
    marker = os.sep + "PVMBASE"
    variables = {"base": marker, "platbase": marker, "installed_base": marker,
                 "installed_platbase": marker, "userbase": marker}
    paths = sysconfig.get_paths(scheme=scheme, vars=variables)
    relative = {}
    for key in ("purelib", "platlib", "scripts", "include", "data"):
        value = paths.get(key, "")
        if value.startswith(marker):
            value = value[len(marker):].lstrip(os.sep)
        relative[key] = value
    return relative


def glibc():
    # What packaging asks to choose manylinux wheels: None on musl and elsewhere.
    try:
        name, version = os.confstr("CS_GNU_LIBC_VERSION").split()
        return version if name == "glibc" else None
    except (AttributeError, ValueError, OSError):
        return None


def abiflags():
    # Windows has no sys.abiflags: what packaging reads there instead (free-threaded, debug).
    flags = getattr(sys, "abiflags", None)
    if flags is not None:
        return flags
    flags = ""
    if sysconfig.get_config_var("Py_GIL_DISABLED"):
        flags += "t"
    if hasattr(sys, "gettotalrefcount"):
        flags += "d"
    return flags


def mac_version():
    # What packaging asks to choose macOS wheels. An interpreter built against an SDK older
    # than macOS 11 is told 10.16; packaging then asks again without that compatibility answer.
    if sys.platform != "darwin":
        return None
    version = platform.mac_ver()[0]
    if version.startswith("10.16"):
        import subprocess
        try:
            version = subprocess.check_output(
                [sys.executable, "-sS", "-c", "import platform; print(platform.mac_ver()[0])"],
                env={"SYSTEM_VERSION_COMPAT": "0"},
            ).decode().strip()
        except (OSError, subprocess.CalledProcessError):
            pass
    return version or None


info = sys.version_info
implementation = getattr(sys, "implementation", None)
impl_name = implementation.name if implementation else platform.python_implementation().lower()
if implementation:
    iv = implementation.version
    impl_version = "%d.%d.%d" % (iv[0], iv[1], iv[2])
    if iv[3] != "final":
        impl_version += iv[3][0] + str(iv[4])
else:
    impl_version = platform.python_version()

print(json.dumps({
    "executable": os.path.abspath(sys.executable),
    "base_executable": os.path.abspath(base_executable()),
    "prefix": sys.prefix,
    "base_prefix": getattr(sys, "base_prefix", sys.prefix),
    "version": platform.python_version(),
    "version_info": [info[0], info[1], info[2], info[3], info[4]],
    "implementation": impl_name,
    "pointer_size": struct.calcsize("P") * 8,
    "platform": sys.platform,
    "abiflags": abiflags(),
    "glibc": glibc(),
    "sysconfig_platform": sysconfig.get_platform(),


    "mac_version": mac_version(),
    "scheme": scheme_paths(),
    "stdlib": sysconfig.get_path("stdlib"),
    "markers": {
        "implementation_name": impl_name,
        "implementation_version": impl_version,
        "os_name": os.name,
        "platform_machine": platform.machine(),
        "platform_python_implementation": platform.python_implementation(),
        "platform_release": platform.release(),
        "platform_system": platform.system(),
        "platform_version": platform.version(),
        "python_full_version": platform.python_version(),
        "python_version": "%d.%d" % (info[0], info[1]),
        "sys_platform": sys.platform,
    },
}))
