#!/usr/bin/env python3
"""tanuki's test runner: unit tests (cmocka, ASan+UBSan; and the MIPS builds
under qemu-user), short fuzz runs, then transcript and integration tests
against the real daemon on loopback (transcripts also against the MIPS
daemons under qemu-user), and the firmware image booted under
qemu-system-mipsel (tests/image).

Prints one line per test and, last, "N passed, N failed".
Usage: tests/run.py [--build DIR] [--fuzz-seconds N] [--fuzz-jobs N] [-k SUBSTRING]
"""
import argparse
import concurrent.futures
import glob
import importlib.util
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import traceback

TOP = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
sys.path.insert(0, os.path.join(TOP, "tests", "lib"))

passed = 0
failed = 0
failures = []


def report(name, ok, detail="", secs=0.0):
    global passed, failed
    if ok:
        passed += 1
        print("ok    %-60s %6.2fs" % (name, secs), flush=True)
    else:
        failed += 1
        failures.append(name)
        print("FAIL  %-60s %6.2fs" % (name, secs), flush=True)
        if detail:
            print("      " + detail.rstrip().replace("\n", "\n      "), flush=True)


def run_units(build, only):
    env = dict(os.environ, ASAN_OPTIONS="detect_leaks=1:detect_stack_use_after_return=1",
               UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1")
    for exe in sorted(glob.glob(os.path.join(build, "asan", "test_*"))):
        name = "unit/" + os.path.basename(exe)
        if only and only not in name:
            continue
        t0 = time.time()
        p = subprocess.run([exe], cwd=TOP, env=env, capture_output=True,
                           text=True, errors="replace", timeout=600)
        out = p.stdout + p.stderr
        # one line per cmocka test
        for m in re.finditer(r"^\[\s+(OK|FAILED)\s+\] (\S+)", out, re.M):
            report("%s:%s" % (name, m.group(2)), m.group(1) == "OK")
        if p.returncode != 0 or "Sanitizer" in out or "runtime error" in out:
            report(name + " (exit/sanitizers)", False, out[-3000:], time.time() - t0)


# Cross-built unit tests (mk/firmware.mk, `make fw-units`), run under
# qemu-user: the same cmocka tests on uClibc-ng, little and big endian.
FW_VARIANTS = (("mipsel", "qemu-mipsel-static"), ("mips", "qemu-mips-static"))


def run_fw_units(build, only):
    for variant, qemu in FW_VARIANTS:
        for exe in sorted(glob.glob(os.path.join(build, variant, "test_*"))):
            name = "unit-%s/%s" % (variant, os.path.basename(exe))
            if only and only not in name:
                continue
            t0 = time.time()
            p = subprocess.run([qemu, exe], cwd=TOP, capture_output=True,
                               text=True, errors="replace", timeout=600)
            out = p.stdout + p.stderr
            for m in re.finditer(r"^\[\s+(OK|FAILED)\s+\] (\S+)", out, re.M):
                report("%s:%s" % (name, m.group(2)), m.group(1) == "OK")
            if p.returncode != 0:
                report(name + " (exit)", False, out[-3000:], time.time() - t0)


def fuzz_one(build, exe, seconds):
    """One fuzz target: its saved crashes, a timed libFuzzer run, then the
    same inputs through the GCC ASan build. Returns the report() calls to
    make, so two targets can run at once and still print in order."""
    out_reports = []
    base = os.path.basename(exe)
    name = "fuzz/" + base
    corpus_src = os.path.join(TOP, "tests", "fuzz", "corpus", base[len("fuzz_"):])
    work = tempfile.mkdtemp(prefix="tanuki-fuzz-")
    if os.path.isdir(corpus_src):
        for f in os.listdir(corpus_src):
            shutil.copy(os.path.join(corpus_src, f), work)
    crashes = os.path.join(TOP, "tests", "fuzz", "crashes", base[len("fuzz_"):])
    t0 = time.time()
    # saved crash inputs first: each must pass now
    if os.path.isdir(crashes) and os.listdir(crashes):
        files = [os.path.join(crashes, f) for f in sorted(os.listdir(crashes))]
        p = subprocess.run([exe] + files, cwd=TOP, capture_output=True,
                           text=True, errors="replace", timeout=300)
        out_reports.append((name + " (saved crashes)", p.returncode == 0,
                            p.stderr[-3000:], time.time() - t0))
        t0 = time.time()
    p = subprocess.run([exe, "-max_total_time=%d" % seconds, "-timeout=10",
                        "-rss_limit_mb=2048", "-artifact_prefix=" + work + "/",
                        work], cwd=TOP, capture_output=True, text=True,
                       errors="replace", timeout=seconds + 120)
    runs = re.findall(r"#(\d+)\s+DONE", p.stderr)
    out_reports.append(("%s (%ss, %s runs)" % (name, seconds, runs[-1] if runs else "?"),
                        p.returncode == 0, p.stderr[-3000:], time.time() - t0))
    # the same inputs (the corpus, what this run found, saved crashes)
    # through the GCC ASan+UBSan build: GCC and clang leave different
    # things unspecified, and the firmware is built by GCC
    replay = os.path.join(build, "asan", "replay_" + base[len("fuzz_"):])
    if os.path.exists(replay):
        t0 = time.time()
        dirs = [work] + ([crashes] if os.path.isdir(crashes) else [])
        env = dict(os.environ, ASAN_OPTIONS="detect_leaks=1:detect_stack_use_after_return=1",
                   UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1")
        r = subprocess.run([replay] + dirs, cwd=TOP, capture_output=True, text=True,
                           errors="replace", timeout=600, env=env)
        out = r.stdout + r.stderr
        n = re.findall(r"replayed (\d+) inputs", out)
        out_reports.append(("%s (GCC ASan replay, %s inputs)" % (name, n[-1] if n else "?"),
                            r.returncode == 0 and bool(n) and "Sanitizer" not in out
                            and "runtime error" not in out, out[-3000:], time.time() - t0))
    shutil.rmtree(work, ignore_errors=True)
    return out_reports


def run_fuzz(build, seconds, only, jobs):
    """Each target is single-threaded: with JOBS cores, JOBS targets run at
    once (each still gets its full SECONDS), in the same order of output."""
    exes = [exe for exe in sorted(glob.glob(os.path.join(build, "fuzz", "fuzz_*")))
            if not only or only in "fuzz/" + os.path.basename(exe)]
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        for reps in pool.map(lambda exe: fuzz_one(build, exe, seconds), exes):
            for r in reps:
                report(*r)


def run_python(only, dirs=("transcripts", "integration", "image"), tag=""):
    mods = sorted(sum((glob.glob(os.path.join(TOP, "tests", d, "test_*.py"))
                       for d in dirs), []))
    for path in mods:
        rel = os.path.relpath(path, os.path.join(TOP, "tests"))[:-3] + tag
        spec = importlib.util.spec_from_file_location(rel.replace("/", "_"), path)
        mod = importlib.util.module_from_spec(spec)
        try:
            spec.loader.exec_module(mod)
        except Exception:
            report(rel + " (import)", False, traceback.format_exc())
            continue
        for fname in sorted(n for n in dir(mod) if n.startswith("test_")):
            name = "%s:%s" % (rel, fname)
            if only and only not in name:
                continue
            t0 = time.time()
            try:
                getattr(mod, fname)()
                report(name, True, secs=time.time() - t0)
            except Exception:
                report(name, False, traceback.format_exc(), time.time() - t0)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default=os.path.join(TOP, "build"))
    ap.add_argument("--fuzz-seconds", type=int,
                    default=int(os.environ.get("FUZZ_SECONDS", "20")))
    ap.add_argument("--fuzz-jobs", type=int,
                    default=int(os.environ.get("FUZZ_JOBS", str(min(2, os.cpu_count() or 1)))))
    ap.add_argument("-k", dest="only", default="")
    ap.add_argument("--no-fuzz", action="store_true")
    a = ap.parse_args()
    build = os.path.abspath(a.build)
    os.environ["TANUKI_BUILD"] = build
    t0 = time.time()
    run_units(build, a.only)
    run_fw_units(build, a.only)
    if not a.no_fuzz:
        run_fuzz(build, a.fuzz_seconds, a.only, a.fuzz_jobs)
    run_python(a.only)
    # The transcripts again against the MIPS decoys under qemu-user
    # (tanuki_test's Daemon runs TANUKI_BIN): byte-exact output on both
    # endiannesses.
    import tanuki_test
    host_bin = tanuki_test.BINARY
    for variant, qemu in FW_VARIANTS:
        exe = os.path.join(build, variant, "tanuki")
        if not os.path.exists(exe) or os.environ.get("TANUKI_BIN"):
            continue
        wrap = os.path.join(build, variant, "tanuki-qemu")
        with open(wrap, "w") as f:
            f.write("#!/bin/sh\nexec %s %s \"$@\"\n" % (qemu, exe))
        os.chmod(wrap, 0o755)
        tanuki_test.BINARY = wrap
        run_python(a.only, dirs=("transcripts",), tag="@" + variant)
    tanuki_test.BINARY = host_bin
    print()
    if failures:
        print("failed: " + ", ".join(failures))
    print("tests took %.0fs" % (time.time() - t0))
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed or not passed else 0


if __name__ == "__main__":
    sys.exit(main())
