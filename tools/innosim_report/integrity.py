"""Opening an innosim HDF5 file only once every object matches its checksum.

The same checks as the engine's reader (outputs/src/integrity.cpp; format in
docs/hdf5-schema.md, "Integrity"), so that the report refuses exactly what
`innosim check` refuses: a file that is not a regular file, not HDF5, not an
innosim file of the expected kind or format version, or damaged — an object
missing, added, or whose content differs from its SHA-256 in /integrity, a
chunk that fails HDF5's Fletcher32 check or is not stored. Every refusal is a
RunFileError naming the file and the object; nothing else escapes.
"""

import hashlib
import os
import resource
import signal
import stat
import struct
import sys

import h5py
import numpy as np

from . import FORMAT_VERSION

INTEGRITY = "integrity"
READ_BYTES = 16 << 20  # per read of a dataset's values
CHILD_CPU_SECONDS = 2  # what verifying a file in a child may take (_in_child)
CHILD_BYTES_PER_SECOND = 16 << 20


class RunFileError(Exception):
    """A file the report cannot use; the message names file and object."""


class _Sha:
    def __init__(self):
        self.h = hashlib.sha256()

    def u64(self, x):
        self.h.update(struct.pack("<Q", x))

    def str(self, b):
        if isinstance(b, str):
            b = b.encode("utf-8", "surrogateescape")
        self.u64(len(b))
        self.h.update(b)

    def bytes(self, b):
        self.h.update(b)

    def hex(self):
        return self.h.hexdigest()


def _damaged(path, obj, what):
    return RunFileError(f"{path}: {obj}: damaged: {what}")


def _tag(dtype):
    """The checksum's name of a stored type, or None for one innosim never writes."""
    if h5py.check_string_dtype(dtype) is not None:
        return "s"
    if dtype.kind in "iuf" and dtype.itemsize in (1, 2, 4, 8) and not (
            dtype.kind == "f" and dtype.itemsize < 4):
        return f"{dtype.kind}{dtype.itemsize}"
    return None


def _string_bytes(x):
    if isinstance(x, str):
        return x.encode("utf-8", "surrogateescape")
    b = bytes(x)
    return b.rstrip(b"\0")


def _hash_values(sha, tag, values):
    a = np.asarray(values)
    if tag == "s":
        for x in a.reshape(-1):
            sha.str(_string_bytes(x))
    else:
        sha.bytes(np.ascontiguousarray(a, dtype=a.dtype.newbyteorder("<")).tobytes())


def _hash_shape(sha, shape):
    sha.u64(len(shape))
    for d in shape:
        sha.u64(d)


def _hash_attributes(sha, obj, path, name):
    names = sorted(obj.attrs.keys(), key=lambda n: n.encode("utf-8", "surrogateescape"))
    sha.u64(len(names))
    for a in names:
        where = f"{name}@{a}"
        try:
            aid = obj.attrs.get_id(a)
            tag, shape = _tag(aid.dtype), aid.shape
            value = obj.attrs[a]
        except (OSError, KeyError, TypeError, ValueError) as e:
            raise _damaged(path, where, f"cannot be read ({e})") from None
        if tag is None or shape is None:
            raise _damaged(path, where, "a type or shape innosim does not write")
        sha.str(a)
        sha.str(tag)
        _hash_shape(sha, shape)
        if tag != "s":
            value = np.asarray(value, dtype=aid.dtype)
        _hash_values(sha, tag, value)


def _check_chunks(ds, path, name):
    grid = [-(-d // c) for d, c in zip(ds.shape, ds.chunks)]
    expected = int(np.prod(grid, dtype=np.uint64)) if grid else 1
    try:
        stored = ds.id.get_num_chunks()
    except (OSError, ValueError) as e:
        raise _damaged(path, name, f"its chunk index cannot be read ({e})") from None
    if stored != expected:
        raise _damaged(path, name, f"{stored} of its {expected} chunks are stored")
    for sl in ds.iter_chunks():
        try:
            ds[sl]
        except (OSError, ValueError) as e:
            start = ",".join(str(s.start) for s in sl)
            raise _damaged(path, name, f"the chunk at [{start}] fails its Fletcher32 checksum or "
                                       f"cannot be read ({e})") from None


def _object_digest(f, name, path, read_chunks=True):
    try:
        obj = f[name]
    except (OSError, KeyError, ValueError) as e:
        raise _damaged(path, name, f"cannot be opened ({e})") from None
    sha = _Sha()
    sha.str("innosim-object-1")
    if isinstance(obj, h5py.Group):
        sha.str("group")
    elif isinstance(obj, h5py.Dataset):
        sha.str("dataset")
        try:
            tag, shape, chunks = _tag(obj.dtype), obj.shape, obj.chunks
        except (OSError, ValueError, TypeError) as e:
            raise _damaged(path, name, f"cannot be read ({e})") from None
        if tag is None or shape is None:
            raise _damaged(path, name, "a type or shape innosim does not write")
        sha.str(tag)
        _hash_shape(sha, shape)
        if chunks is not None:
            if not obj.fletcher32:
                raise _damaged(path, name, "a chunked dataset without its Fletcher32 checksums")
            sha.str("fletcher32")
            if read_chunks:
                _check_chunks(obj, path, name)
        else:
            try:
                if len(shape) == 0:
                    _hash_values(sha, tag, obj[()])
                else:
                    row = max(1, int(np.prod(shape[1:], dtype=np.uint64)) * obj.dtype.itemsize)
                    step = max(1, READ_BYTES // row)
                    for first in range(0, shape[0], step):
                        _hash_values(sha, tag, obj[first:first + step])
            except (OSError, ValueError, TypeError) as e:
                raise _damaged(path, name, f"its values cannot be read ({e})") from None
    else:
        raise _damaged(path, name, "an object of a kind innosim does not write")
    _hash_attributes(sha, obj, path, name)
    return sha.hex()


def _object_paths(f, path):
    """Every object's path, '/' first, sorted, without /integrity; a soft or
    external link is damage (innosim writes none)."""
    paths, todo, seen = ["/"], [("/", f)], set()
    while todo:
        gname, g = todo.pop()
        addr = h5py.h5o.get_info(g.id).addr
        if addr in seen:
            continue
        seen.add(addr)
        for key in g.keys():
            full = (gname.rstrip("/") + "/" + key)
            link = g.get(key, getlink=True)
            if not isinstance(link, h5py.HardLink):
                raise _damaged(path, full, "a soft or external link (innosim writes none)")
            if full == "/" + INTEGRITY or full.startswith("/" + INTEGRITY + "/"):
                continue
            paths.append(full)
            obj = g[key]
            if isinstance(obj, h5py.Group):
                todo.append((full, obj))
    return sorted(paths)


def _list_digest(paths, digests):
    sha = _Sha()
    sha.str("innosim-list-1")
    for p, d in zip(paths, digests):
        sha.str(p)
        sha.str(d)
    return sha.hex()


def seal(f):
    """Writes /integrity for the open, writable h5py File f, replacing any:
    what innosim's writers do, for files written with h5py (tests, tools).
    Every chunked dataset must have been created with fletcher32=True."""
    if INTEGRITY in f:
        del f[INTEGRITY]
    path = f.filename
    paths = _object_paths(f, path)
    digests = [_object_digest(f, p, path, read_chunks=False) for p in paths]
    g = f.create_group(INTEGRITY)
    strs = h5py.string_dtype("utf-8")
    g.create_dataset("objects", data=np.array(paths, dtype=object), dtype=strs)
    g.create_dataset("sha256", data=np.array(digests, dtype=object), dtype=strs)
    g.attrs.create("sha256", np.bytes_(_list_digest(paths, digests).encode("ascii")),
                   dtype=h5py.string_dtype("ascii", 64))


def _strings(ds):
    return [_string_bytes(x).decode("utf-8", "surrogateescape") for x in np.asarray(ds[()]).reshape(-1)]


def verify(f, path):
    """Checks /integrity of the open file f against its objects."""
    if INTEGRITY not in f:
        raise _damaged(path, "/" + INTEGRITY,
                       "missing: the file carries no checksums (written by another program, or cut short)")
    try:
        g = f[INTEGRITY]
        listed = _strings(g["objects"])
        digests = _strings(g["sha256"])
        stored = _string_bytes(g.attrs["sha256"]).decode("ascii")
    except (OSError, KeyError, ValueError, TypeError, UnicodeDecodeError) as e:
        raise _damaged(path, "/" + INTEGRITY, f"the list of checksums cannot be read ({e})") from None
    if len(listed) != len(digests) or _list_digest(listed, digests) != stored:
        raise _damaged(path, "/" + INTEGRITY, "the list of checksums does not match its own checksum")
    present = _object_paths(f, path)
    for p in listed:
        if p not in present:
            raise _damaged(path, p, "missing (the file lists it)")
    for p in present:
        if p not in listed:
            raise _damaged(path, p, "not in the file's list of checksums")
    for p, d in zip(listed, digests):
        if _object_digest(f, p, path) != d:
            raise _damaged(path, p, "its content does not match its checksum")


def decode(x):
    """An attribute value as Python: bytes as UTF-8 text, numpy scalars as numbers."""
    if isinstance(x, bytes):
        return x.decode("utf-8")
    if isinstance(x, np.generic):
        return x.item()
    return x


def _in_child(path, read):
    """read() (returning a str) run in a forked child; its result here.

    HDF5 reads some damaged structures by crashing (a variable-length string
    whose entry in the unchecksummed global heap was changed; a malformed
    file of the old format, without checksums). A crash in the child becomes
    a refusal of the file (RunFileError), as in innosim's C++ reader. Some
    make HDF5 loop (a cycle in its global heap): the child may use
    CHILD_CPU_SECONDS of CPU time plus one second per CHILD_BYTES_PER_SECOND
    of the file, and is ended by SIGXCPU beyond that (as in C++)."""
    try:
        size = os.stat(path).st_size
    except OSError:
        size = 0
    cpu = CHILD_CPU_SECONDS + size // CHILD_BYTES_PER_SECOND
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns
        code = 0
        try:
            os.close(r)
            resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
            text = read()
        except RunFileError as e:
            text, code = str(e), 2
        except BaseException as e:  # anything else the file made HDF5 or h5py do
            text, code = f"{path}: damaged: it cannot be read ({e})", 2
        try:
            data = text.encode("utf-8", "surrogateescape")
            while data:
                data = data[os.write(w, data):]
        finally:
            os._exit(code)
    os.close(w)
    chunks = []
    with os.fdopen(r, "rb") as pipe:
        chunks.append(pipe.read())
    _, status = os.waitpid(pid, 0)
    text = b"".join(chunks).decode("utf-8", "surrogateescape")
    if os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0:
        return text
    if os.WIFEXITED(status) and os.WEXITSTATUS(status) == 2:
        raise RunFileError(text)
    if os.WIFSIGNALED(status) and os.WTERMSIG(status) in (signal.SIGXCPU, signal.SIGKILL):
        raise RunFileError(f"{path}: damaged: its structure is corrupt (the HDF5 library did not finish reading "
                           f"it in {cpu} s of CPU time)")
    sig = f", signal {os.WTERMSIG(status)}" if os.WIFSIGNALED(status) else ""
    raise RunFileError(f"{path}: damaged: its structure is corrupt (the HDF5 library failed reading it{sig})")


def peek_file_type(path):
    """The root attribute file_type (None if absent), read without verifying
    (in a child process: a damaged file cannot crash this one)."""
    path = str(path)
    _regular(path)

    def read():
        if not h5py.is_hdf5(path):
            raise RunFileError(f"{path}: not an HDF5 file")
        try:
            f = h5py.File(path, "r")
        except (OSError, ValueError) as e:  # cut short, or its metadata fails a checksum (as _open_checked)
            raise _damaged(path, "/", f"the file cannot be opened ({e})") from None
        try:
            with f:
                kind = decode(f.attrs.get("file_type"))
                return "\0" if kind is None else str(kind)
        except (OSError, ValueError, TypeError, UnicodeDecodeError) as e:
            raise _damaged(path, "/", f"its root attributes cannot be read ({e})") from None

    kind = _in_child(path, read)
    return None if kind == "\0" else kind


def _regular(path):
    try:
        st = os.stat(path)
    except FileNotFoundError:
        raise RunFileError(f"{path}: no such file") from None
    except OSError as e:
        raise RunFileError(f"{path}: {e.strerror or e}") from None
    if not stat.S_ISREG(st.st_mode):
        raise RunFileError(f"{path}: not a regular file")


def open_verified(path, file_type):
    """The open h5py File `path` (caller closes it), an innosim file of
    `file_type` ('innosim-run', 'innosim-sweep', ...; None: any), every object verified —
    in a child process first (_in_child), then opened here."""
    path = str(path)
    _regular(path)
    _in_child(path, lambda: _open_checked(path, file_type, True).close() or "")
    return _open_checked(path, file_type, False)


def open_or_exit(path, file_type, tool):
    """open_verified for a command-line tool: a file it cannot use ends the
    tool with exit 2 and one line "TOOL: FILE: ..." (no traceback)."""
    try:
        return open_verified(path, file_type)
    except RunFileError as e:
        print(f"{tool}: {e}", file=sys.stderr)
        sys.exit(2)


def _open_checked(path, file_type, verify_all):
    """open_verified's checks; every object's checksum with verify_all."""
    _regular(path)
    if not h5py.is_hdf5(path):
        raise RunFileError(f"{path}: not an HDF5 file")
    try:
        f = h5py.File(path, "r")
    except (OSError, ValueError) as e:  # cut short, or its metadata fails a checksum
        raise _damaged(path, "/", f"the file cannot be opened ({e})") from None
    try:
        try:
            attrs = {k: decode(f.attrs[k]) for k in ("file_type", "format_version") if k in f.attrs}
        except (OSError, ValueError, TypeError, UnicodeDecodeError) as e:
            raise _damaged(path, "/", f"its attributes cannot be read ({e})") from None
        kind = attrs.get("file_type")
        if kind != file_type and not (file_type is None and isinstance(kind, str) and kind.startswith("innosim-")):
            raise RunFileError(f"{path}: root attribute file_type is {kind!r}, expected {file_type!r}")
        version = attrs.get("format_version")
        if not isinstance(version, int) or version != FORMAT_VERSION:
            extra = ", which carries checksums; run the scenario again" if (
                isinstance(version, int) and version < FORMAT_VERSION) else ""
            raise RunFileError(f"{path}: format_version {version} is not supported "
                               f"(this tool reads {FORMAT_VERSION}{extra})")
        if verify_all:
            verify(f, path)
        return f
    except BaseException:
        f.close()
        raise
