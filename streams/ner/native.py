"""The tagger's modules compiled to C by mypyc, used only when built from these very sources.

Why: the tag stage is Python rules over token lists plus, for every word
form an article brings that the process has not met, its CRF features. Its
profile is flat (no loop left that numpy could take over; the per-type and
per-document work were vectorised in earlier rounds), so what remains is
the interpreter's own cost. mypyc compiles these same type-annotated modules
into one C extension: there is no second implementation to keep in step,
and the tag stage runs about 10% faster on fresh articles and 17% on
articles seen before (both sides at once, one per core; README, Benchmarks).

Where: ``.native/<digest>/streams/ner/`` at the project root, ``digest``
over the compiled modules' sources and the interpreter's build (its
extension ABI and version string).
:func:`activate`, run by the package's ``__init__``, puts that directory
first on ``streams.ner.__path__`` when it exists, so the compiled modules
shadow their sources only while those are byte for byte what was compiled.
An edited module changes the digest: the plain Python runs, with the same
output (``tests/unit/test_native.py``), until ``make`` builds again
(``make native``, which calls :func:`main`: about 110 s on two cores,
with the Rust kernels of :mod:`streams.ner.kernels` built into the same
directory).
Data files are found through the package's own directory
(``importlib.resources``, :data:`streams.ner.MODEL_PATH`), which stays the
source directory.

``NEWSSTREAMS_NATIVE=0`` runs the plain Python even when a build exists.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import sysconfig
from collections.abc import MutableSequence
from pathlib import Path

#: The compiled modules of :mod:`streams.ner`: everything on the tag path.
#: The rest (``train``, ``conll``, ``evaluate``, ``clusters``, ``tokens``)
#: is training, evaluation or cheap, and stays plain Python.
MODULES = (
    "clitics",
    "crf",
    "detect",
    "features",
    "gazetteer",
    "lexicon",
    "link",
    "namelike",
    "names",
    "records",
    "triggers",
    "words",
)
_PACKAGE_DIR = Path(__file__).resolve().parent
_ROOT = _PACKAGE_DIR.parents[1] / ".native"
#: The Rust kernels' crate (:mod:`streams.ner.kernels`), built into the same
#: directory as ``streams/ner/_kernels.abi3.so``; cargo's own build cache is
#: kept in ``_ROOT / "cargo"`` across builds.
_CRATE = _PACKAGE_DIR.parents[1] / "kernels"
_KERNELS = "_kernels.abi3.so"
#: mypyc's shared runtime library for the group: ``streams.ner.tagger__mypyc``.
_GROUP = "streams.ner.tagger"


def build_dir() -> Path:
    """Where the build of the current sources lives (it may not exist)."""
    # The extension ABI names the Python minor version only; sys.version
    # (patch release, build date, compiler) tells two 3.11 builds apart, as
    # mypyc's C also reaches CPython internals that may change between them.
    abi = f"{sysconfig.get_config_var('EXT_SUFFIX')} {sys.version}"
    digest = hashlib.sha256(abi.encode())
    for name in MODULES:
        digest.update(name.encode())
        digest.update((_PACKAGE_DIR / f"{name}.py").read_bytes())
    for path in _crate_sources():
        digest.update(path.relative_to(_CRATE).as_posix().encode())
        digest.update(path.read_bytes())
    return _ROOT / digest.hexdigest()[:16]


def _crate_sources() -> list[Path]:
    """The files the kernels are built from (none without the crate)."""
    if not _CRATE.is_dir():
        return []
    return [_CRATE / "Cargo.toml", _CRATE / "Cargo.lock", *sorted(_CRATE.glob("src/*.rs"))]


def activate(package_path: MutableSequence[str]) -> bool:
    """Put the build of the current sources first on ``package_path`` (the
    package's ``__path__``) if there is one; whether the compiled modules are
    in use. Called before any of them is imported."""
    if os.environ.get("NEWSSTREAMS_NATIVE", "1") == "0":
        return False
    modules = build_dir() / "streams" / "ner"
    if not modules.is_dir():
        return False
    package_path.insert(0, str(modules))
    return True


def describe(compiled: bool, kernels: bool = False) -> str:
    """How the tag path runs, for logs and reports: compiled, with or
    without the Rust kernels (:mod:`streams.ner.kernels`), or plain Python
    (slower: the Docker image, or a module edited since the last ``make
    native``)."""
    if compiled:
        return "compiled by mypyc, with the Rust kernels" if kernels else "compiled by mypyc"
    return "plain Python (no build of the current sources; make native builds one)"


def build() -> Path:
    """Compile :data:`MODULES` unless the current sources are built already;
    the build's directory. Older builds are removed."""
    target = build_dir()
    if not target.is_dir():
        _compile(target)
    elif not has_kernels(target) and find_cargo() is not None:  # a failed or cargo-less build
        _build_kernels(target / "streams" / "ner")
    for other in _ROOT.iterdir():
        if other.is_dir() and other not in (target, _ROOT / "cargo"):
            shutil.rmtree(other, ignore_errors=True)
    return target


def _compile(target: Path) -> None:
    # Imported here: mypy and setuptools are build tools (the ``native``
    # extra), not run-time dependencies.
    from mypyc.build import mypycify
    from setuptools import Distribution

    work = target.with_name(target.name + ".partial")
    shutil.rmtree(work, ignore_errors=True)
    sources = [str(_PACKAGE_DIR / f"{name}.py") for name in MODULES]
    options = [
        # Third-party libraries without type information (pycrfsuite,
        # hmmlearn, Stemmer, camel-tools) are typed Any; modules outside
        # MODULES are read for their types, not checked.
        "--ignore-missing-imports",
        "--follow-imports=silent",
        f"--cache-dir={work / 'mypy-cache'}",
    ]
    extensions = mypycify(
        [*options, *sources],
        opt_level="3",
        target_dir=str(work / "c"),
        separate=[([f"streams.ner.{name}" for name in MODULES], _GROUP)],
    )
    distribution = Distribution({"name": "streams-ner-native", "ext_modules": extensions})
    command = distribution.get_command_obj("build_ext")
    command.build_lib = str(work)
    command.build_temp = str(work / "obj")
    distribution.run_command("build_ext")
    for scratch in ("c", "obj", "mypy-cache"):
        shutil.rmtree(work / scratch, ignore_errors=True)
    _build_kernels(work / "streams" / "ner")
    work.rename(target)  # last, so the directory exists only when complete


def find_cargo() -> str | None:
    """cargo on the PATH, else where rustup installs it (a CI shell may
    not have ``~/.cargo/bin`` on its PATH)."""
    return shutil.which("cargo") or shutil.which("cargo", path=str(Path.home() / ".cargo/bin"))


def _build_kernels(package: Path) -> None:
    """Build the Rust kernels with cargo into ``package`` (the build's
    ``streams/ner``). Without cargo, or when cargo fails (crates.io out of
    reach, say), the build goes on without them: the plain paths run
    (:mod:`streams.ner.kernels`), :func:`main` says so, and the next
    ``make native`` tries again."""
    cargo = find_cargo()
    if cargo is None or not _CRATE.is_dir():
        print("cargo not found: the Rust kernels are not built", flush=True)
        return
    cache = _ROOT / "cargo"
    environment = {**os.environ, "PYO3_PYTHON": sys.executable, "CARGO_TARGET_DIR": str(cache)}
    manifest = str(_CRATE / "Cargo.toml")
    command = [cargo, "build", "--release", "--locked", "--manifest-path", manifest]
    try:
        subprocess.run(command, env=environment, check=True)
        shutil.copyfile(cache / "release" / "lib_kernels.so", package / _KERNELS)
    except (OSError, subprocess.CalledProcessError) as error:
        print(f"the Rust kernels are not built: {error}", flush=True)


def has_kernels(target: Path) -> bool:
    """Whether the build in ``target`` has the Rust kernels."""
    return (target / "streams" / "ner" / _KERNELS).is_file()


def main() -> int:
    """``make native``: build if needed, say where in one
    line; mypy's, setuptools' and the compiler's output go to a log."""
    log = _ROOT / "build.log"
    if not build_dir().is_dir():
        note = f"about 110 s on two cores; log: {log}"
        print(f"compiling the tagger with mypyc and cargo ({note})", flush=True)
    _ROOT.mkdir(parents=True, exist_ok=True)
    saved = [os.dup(1), os.dup(2)]
    try:
        with log.open("wb") as sink:
            sys.stdout.flush()
            sys.stderr.flush()
            for fd in (1, 2):
                os.dup2(sink.fileno(), fd)
            try:
                target = build()
            finally:
                sys.stdout.flush()
                sys.stderr.flush()
                for fd, copy in zip((1, 2), saved, strict=True):
                    os.dup2(copy, fd)
    except Exception as error:  # mypy or the compiler failed: one line, the log has the rest
        print(f"native build failed: {error} (see {log})", file=sys.stderr)
        return 1
    missing = "" if has_kernels(target) else f" (without the Rust kernels: see {log})"
    print(f"compiled tagger: {target}{missing}")
    return 0
