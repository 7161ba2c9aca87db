"""A webhook receiver for the delivery tests, run as its own process so that a test can kill it.

    python receiver.py PORT LOG SECRET [--hang-after N] [--delay SECONDS] [--fail-first N]

Verifies every request with the Standard Webhooks library, appends "webhook-id" lines to LOG (flushed and
synced before it answers) and answers 200; with --hang-after N the (N+1)th request is read and never answered.
"""

from __future__ import annotations

import argparse
import os
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from standardwebhooks import Webhook


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("port", type=int)
    parser.add_argument("log")
    parser.add_argument("secret")
    parser.add_argument("--hang-after", type=int, default=-1)
    parser.add_argument("--delay", type=float, default=0.0)
    args = parser.parse_args()
    webhook = Webhook(args.secret)
    state = {"seen": 0}

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("content-length", "0")))
            try:
                webhook.verify(body, dict(self.headers.items()))
            except Exception:
                self.send_response(401)
                self.end_headers()
                return
            if args.hang_after >= 0 and state["seen"] >= args.hang_after:
                time.sleep(3600)  # read, never answered: the test kills this process now
            state["seen"] += 1
            time.sleep(args.delay)
            with open(args.log, "a") as log:
                log.write(self.headers["webhook-id"] + "\n")
                log.flush()
                os.fsync(log.fileno())
            self.send_response(200)
            self.end_headers()

        def log_message(self, *a):
            pass

    ThreadingHTTPServer(("127.0.0.1", args.port), Handler).serve_forever()


if __name__ == "__main__":
    main()
