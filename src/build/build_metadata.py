"""Asks a project's PEP 517 build backend what the project depends on, for pvm's lock.

pvm runs it with the python of a throwaway venv that holds the backend's requirements, from
the project's folder:

    python build_metadata.py OUT BACKEND [BACKEND_PATH ...]

It asks `get_requires_for_build_wheel` first: when that names something the venv lacks, the
list goes to OUT/requires.json and nothing more is done (pvm installs them and runs it again).
Otherwise the METADATA of the wheel the backend would build goes to OUT/METADATA, from
`prepare_metadata_for_build_wheel`, or from `build_wheel` for a backend without that hook.
Results go to files: backends print freely on stdout. Python 3.6 syntax, no dependencies.
"""

import importlib
import json
import os
import re
import sys
import zipfile


def load(spec, paths):
    """The backend object `module:object.attr` names, in-tree folders first (PEP 517)."""
    for path in reversed(paths):
        sys.path.insert(0, os.path.abspath(path))
    module, _, attrs = spec.partition(":")
    backend = importlib.import_module(module.strip())
    for attr in attrs.strip().split("."):
        if attr:
            backend = getattr(backend, attr)
    return backend


def metadata(backend, work):
    """The METADATA bytes the backend reports for the wheel of this project."""
    prepare = getattr(backend, "prepare_metadata_for_build_wheel", None)
    if prepare is not None:
        dist_info = prepare(work, {})
        with open(os.path.join(work, dist_info, "METADATA"), "rb") as file:
            return file.read()
    wheel = backend.build_wheel(work, {})
    with zipfile.ZipFile(os.path.join(work, wheel)) as archive:
        for name in archive.namelist():
            parts = name.split("/")
            if len(parts) == 2 and parts[0].endswith(".dist-info") and parts[1] == "METADATA":
                return archive.read(name)
    raise SystemExit("the wheel {} has no .dist-info/METADATA".format(wheel))


def installed():
    """The normalized names of the distributions on sys.path (importlib.metadata is 3.8+)."""
    names = set()
    for folder in sys.path:
        try:
            entries = os.listdir(folder or ".")
        except OSError:
            continue
        for entry in entries:
            if entry.endswith((".dist-info", ".egg-info")):
                names.add(normalize(entry.rsplit(".", 1)[0].split("-")[0]))
    return names


def normalize(name):
    return re.sub(r"[-_.]+", "-", name).lower()


def missing(requires):
    """The requirements no distribution in this venv answers (by name; markers aside)."""
    present = installed()
    lacking = []
    for text in requires:
        name = re.match(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)", text)
        if name is None or normalize(name.group(1)) not in present:
            lacking.append(text)
    return lacking


def main():
    out, spec = sys.argv[1:3]
    backend = load(spec, sys.argv[3:])
    hook = getattr(backend, "get_requires_for_build_wheel", None)
    lacking = missing(hook({})) if hook is not None else []
    if lacking:
        with open(os.path.join(out, "requires.json"), "w") as file:
            json.dump(lacking, file)
        return
    work = os.path.join(out, "work")
    os.makedirs(work)
    data = metadata(backend, work)
    with open(os.path.join(out, "METADATA"), "wb") as file:
        file.write(data)


if __name__ == "__main__":
    main()
