"""Headless Chromium (Debian's `chromium`) driven over the DevTools protocol
on a pipe (--remote-debugging-pipe: JSON messages ending in NUL on fds 3/4),
so no websocket library and no TCP port are needed. Enough for the hub's
dashboard tests: navigate, run a script in the page, screenshot."""
import base64
import fcntl
import json
import os
import select
import shutil
import subprocess
import tempfile
import time

# the binary itself: /usr/bin/chromium is a wrapper script
CHROMIUM = next((p for p in ("/usr/lib/chromium/chromium",) if os.path.exists(p)),
                shutil.which("chromium"))


class Chrome:
    def __init__(self, width=1280, height=900):
        self.profile = tempfile.mkdtemp(prefix="tanuki-chrome-")
        to_r, to_w = os.pipe()      # we write, chromium reads fd 3
        from_r, from_w = os.pipe()  # chromium writes fd 4, we read

        # move both ends above 4 first, so neither dup2 clobbers the other
        # and both land as inheritable copies on 3 and 4
        a = fcntl.fcntl(to_r, fcntl.F_DUPFD_CLOEXEC, 5)
        b = fcntl.fcntl(from_w, fcntl.F_DUPFD_CLOEXEC, 5)
        os.close(to_r)
        os.close(from_w)
        to_r, from_w = a, b

        def fds():
            os.dup2(to_r, 3)
            os.dup2(from_w, 4)

        self.proc = subprocess.Popen(
            [CHROMIUM, "--headless=new", "--no-sandbox", "--disable-gpu",
             "--remote-debugging-pipe", "--ignore-certificate-errors",
             "--no-first-run", "--no-default-browser-check",
             "--disable-background-networking", "--disable-sync",
             "--disable-extensions", "--disable-component-update",
             "--user-data-dir=" + self.profile,
             "--window-size=%d,%d" % (width, height), "about:blank"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL, preexec_fn=fds, close_fds=False)
        os.close(to_r)
        os.close(from_w)
        self.w, self.r = to_w, from_r
        self.buf = b""
        self.next_id = 0
        self.events = []
        tid = self.call("Target.createTarget", url="about:blank")["targetId"]
        self.session = self.call("Target.attachToTarget", targetId=tid,
                                 flatten=True)["sessionId"]
        self.call("Page.enable", session=True)
        self.call("Runtime.enable", session=True)

    def _read(self, timeout):
        deadline = time.time() + timeout
        while b"\0" not in self.buf:
            left = deadline - time.time()
            if left <= 0 or not select.select([self.r], [], [], left)[0]:
                raise AssertionError("chromium did not answer")
            d = os.read(self.r, 1 << 16)
            if not d:
                raise AssertionError("chromium went away")
            self.buf += d
        msg, _, self.buf = self.buf.partition(b"\0")
        return json.loads(msg)

    def call(self, method, session=False, timeout=30, **params):
        self.next_id += 1
        msg = {"id": self.next_id, "method": method, "params": params}
        if session:
            msg["sessionId"] = self.session
        os.write(self.w, json.dumps(msg).encode() + b"\0")
        while True:
            m = self._read(timeout)
            if m.get("id") == self.next_id:
                if "error" in m:
                    raise AssertionError("%s: %s" % (method, m["error"]))
                return m.get("result", {})
            self.events.append(m)

    def wait_event(self, name, timeout=30):
        deadline = time.time() + timeout
        while True:
            for i, m in enumerate(self.events):
                if m.get("method") == name:
                    del self.events[:i + 1]
                    return m
            self.events.append(self._read(max(0.1, deadline - time.time())))

    def goto(self, url):
        self.events.clear()
        self.call("Page.navigate", session=True, url=url)
        self.wait_event("Page.loadEventFired")

    def js(self, expr):
        r = self.call("Runtime.evaluate", session=True, expression=expr,
                      returnByValue=True)
        if "exceptionDetails" in r:
            raise AssertionError("js: %s" % r["exceptionDetails"])
        return r["result"].get("value")

    def submit(self, expr):
        """Runs expr (which submits a form) and waits for the next page."""
        self.events.clear()
        self.js(expr)
        self.wait_event("Page.loadEventFired")

    def screenshot(self, path, width=None):
        if width:
            self.call("Emulation.setDeviceMetricsOverride", session=True,
                      width=width, height=800, deviceScaleFactor=2, mobile=True)
        data = self.call("Page.captureScreenshot", session=True, format="png",
                         captureBeyondViewport=True)["data"]
        if width:
            self.call("Emulation.clearDeviceMetricsOverride", session=True)
        with open(path, "wb") as f:
            f.write(base64.b64decode(data))

    def close(self):
        try:
            self.call("Browser.close", timeout=5)
        except AssertionError:
            pass
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        os.close(self.w)
        os.close(self.r)
        shutil.rmtree(self.profile, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, *a):
        self.close()
