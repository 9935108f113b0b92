"""Writes N small pure-Python wheels with dependencies between them, for the sync benchmark.

    python bench/make_wheels.py DEST N      # prints the top-level requirement names
"""
import base64
import hashlib
import os
import sys
import zipfile


def wheel(dest, name, version, requires):
    module = name.replace("-", "_")
    info = "%s-%s.dist-info" % (module, version)
    files = {"%s/__init__.py" % module: "__version__ = %r\n" % version}
    for i in range(20):
        files["%s/part%d.py" % (module, i)] = "VALUE = %d\n" % i * 20
    meta = "Metadata-Version: 2.1\nName: %s\nVersion: %s\n" % (name, version)
    meta += "".join("Requires-Dist: %s\n" % r for r in requires)
    files[info + "/METADATA"] = meta
    files[info + "/WHEEL"] = "Wheel-Version: 1.0\nGenerator: bench\nRoot-Is-Purelib: true\nTag: py3-none-any\n"
    record = []
    for path, text in files.items():
        digest = base64.urlsafe_b64encode(hashlib.sha256(text.encode()).digest()).rstrip(b"=").decode()
        record.append("%s,sha256=%s,%d" % (path, digest, len(text.encode())))
    record.append(info + "/RECORD,,")
    files[info + "/RECORD"] = "\n".join(record) + "\n"
    with zipfile.ZipFile(os.path.join(dest, "%s-%s-py3-none-any.whl" % (module, version)), "w", zipfile.ZIP_DEFLATED) as z:
        for path, text in files.items():
            z.writestr(path, text)


def main():
    dest, count = sys.argv[1], int(sys.argv[2])
    os.makedirs(dest, exist_ok=True)
    tops = []
    for i in range(count):
        # Every fourth package depends on the next one: a few transitive chains.
        requires = ["bench-pkg-%02d>=1" % (i + 1)] if i % 4 == 0 and i + 1 < count else []
        wheel(dest, "bench-pkg-%02d" % i, "1.0", requires)
        if i % 4 != 1:
            tops.append("bench-pkg-%02d" % i)
    print("\n".join(tops))


main()
