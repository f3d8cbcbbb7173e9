"""A fault-injecting HTTP proxy in front of the local AWS emulator (test scaffolding).

    proxy = FaultProxy("http://127.0.0.1:30301", rate=0.2, seed=7)   # loopback upstream only
    with proxy:                                                      # listens on 127.0.0.1:<free port>
        ... point MITHRAN_EMULATOR_PORT at proxy.port ...
    proxy.stats                                                      # what it did

or on the command line (Ctrl-C stops it):

    .venv/bin/python tests/integration/resilience/faultproxy.py --upstream http://127.0.0.1:30301 --port 30302 \
        --rate 0.2 --seed 7

For a share `rate` of the AWS calls (never /moto-api/) it answers, in the wire format of the caller's
protocol, one of:
  throttle  the service's throttling error: EC2 503 RequestLimitExceeded, query services 400 Throttling,
            JSON and CBOR services 400 ThrottlingException, S3 503 SlowDown (the request never reaches
            the emulator)
  error     500 InternalError or 503 ServiceUnavailable (the request never reaches the emulator)
  lost      forwards the request, throws the emulator's answer away and answers 500 InternalError: the
            call happened but the client does not know and retries, which is how real duplicates are made
The choices come from random.Random(seed) in the order the requests arrive: a run whose calls come in
the same order gets the same faults.

AWS honours idempotency tokens (ClientToken, clientToken, IdempotencyToken): a repeated create with the
same token returns the first result instead of creating again. The emulator ignores them (see
docs/emulator-gaps.md), so the proxy does what AWS does: it remembers the answer of every successful
call that carried a token and replays it to a repeat of that call, without forwarding it.

Bounded: at most `workers` requests are served at once and `backlog` more wait; past that a request is
answered 503 at once. Every socket has a timeout. It binds 127.0.0.1 only and forwards only to a
loopback upstream.
"""

import argparse
import collections
import http.client
import http.server
import json
import random
import re
import threading
import time
import urllib.parse
import uuid
from concurrent.futures import ThreadPoolExecutor

LOOPBACK = ("127.0.0.1", "localhost", "::1")
HOP_BY_HOP = {"connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "te", "trailers",
              "transfer-encoding", "upgrade", "content-length"}
OWN_HEADERS = {"server", "date"}  # the proxy's http.server writes its own
TOKEN_FIELDS = ("ClientToken", "clientToken", "IdempotencyToken", "ClientRequestToken")
KINDS = ("throttle", "error", "lost")
_CREDENTIAL = re.compile(r"Credential=[^/]+/[^/]+/[^/]+/([^/]+)/aws4_request")
_CBOR_PATH = re.compile(r"/service/[^/]+/operation/([^/?]+)")


# ---------------------------------------------------------------------------------------------------
# What a request is: service, protocol, action, idempotency token
# ---------------------------------------------------------------------------------------------------

class Call:
    """The parts of an AWS request the proxy needs."""

    def __init__(self, method, path, headers, body):
        self.method = method
        self.path = path
        self.headers = headers
        self.body = body
        self.service = self._service()
        self.protocol = self._protocol()
        self.action, self.token = self._action_and_token()

    def header(self, name, default=""):
        for key, value in self.headers:
            if key.lower() == name.lower():
                return value
        return default

    def _service(self):
        match = _CREDENTIAL.search(self.header("Authorization"))
        if match:
            return match.group(1)
        query = urllib.parse.parse_qs(urllib.parse.urlsplit(self.path).query)
        credential = query.get("X-Amz-Credential", [""])[0].split("/")
        return credential[3] if len(credential) > 3 else ""

    def _protocol(self):
        content_type = self.header("Content-Type").lower()
        if self.header("smithy-protocol") == "rpc-v2-cbor" or "application/cbor" in content_type:
            return "cbor"
        if self.header("X-Amz-Target"):
            return "json"
        if self.service == "s3":
            return "s3"
        if "x-www-form-urlencoded" in content_type:
            return "ec2" if self.service == "ec2" else "query"
        if "json" in content_type:
            return "rest-json"
        return "rest-xml"

    def _action_and_token(self):
        if self.protocol in ("ec2", "query"):
            form = urllib.parse.parse_qs(self.body.decode("utf-8", "replace"))
            form.update(urllib.parse.parse_qs(urllib.parse.urlsplit(self.path).query))
            token = next((form[f][0] for f in TOKEN_FIELDS if form.get(f)), None)
            return form.get("Action", ["?"])[0], token
        if self.protocol == "json":
            action = self.header("X-Amz-Target").rsplit(".", 1)[-1]
            try:
                body = json.loads(self.body or b"{}")
            except ValueError:
                body = {}
            token = next((body[f] for f in TOKEN_FIELDS if isinstance(body, dict) and body.get(f)), None)
            return action, token
        if self.protocol == "cbor":
            match = _CBOR_PATH.search(self.path)
            return (match.group(1) if match else "?"), None
        return "%s %s" % (self.method, urllib.parse.urlsplit(self.path).path), None

    @property
    def name(self):
        return "%s:%s" % (self.service or "?", self.action)


# ---------------------------------------------------------------------------------------------------
# AWS-shaped error answers
# ---------------------------------------------------------------------------------------------------

def _cbor_text(text):
    data = text.encode("utf-8")
    size = len(data)
    if size < 24:
        head = bytes([0x60 + size])
    elif size < 256:
        head = bytes([0x78, size])
    else:
        head = bytes([0x79]) + size.to_bytes(2, "big")
    return head + data


def cbor_map(mapping):
    """CBOR encoding of a small map of text to text (all the RPC v2 CBOR error shape needs)."""
    assert len(mapping) < 24
    return bytes([0xA0 + len(mapping)]) + b"".join(_cbor_text(k) + _cbor_text(v) for k, v in mapping.items())


THROTTLE = {  # protocol -> (status, code, message)
    "ec2": (503, "RequestLimitExceeded", "Request limit exceeded."),
    "query": (400, "Throttling", "Rate exceeded"),
    "json": (400, "ThrottlingException", "Rate exceeded"),
    "cbor": (400, "ThrottlingException", "Rate exceeded"),
    "rest-json": (429, "TooManyRequestsException", "Rate exceeded"),
    "s3": (503, "SlowDown", "Please reduce your request rate."),
    "rest-xml": (400, "Throttling", "Rate exceeded"),
}
SERVER_ERRORS = ((500, "InternalError", "We encountered an internal error. Please try again."),
                 (503, "ServiceUnavailable", "Service is unable to handle request."))


def error_response(protocol, status, code, message):
    """(status, headers, body) of an AWS error in the wire format of `protocol`."""
    request_id = str(uuid.uuid4())
    headers = [("x-amzn-RequestId", request_id)]
    if protocol == "ec2":
        body = ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Response><Errors><Error><Code>%s</Code>"
                "<Message>%s</Message></Error></Errors><RequestID>%s</RequestID></Response>"
                % (code, message, request_id)).encode()
        headers.append(("Content-Type", "text/xml"))
    elif protocol == "s3":
        body = ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>%s</Code><Message>%s</Message>"
                "<RequestId>%s</RequestId></Error>" % (code, message, request_id)).encode()
        headers += [("Content-Type", "application/xml"), ("x-amz-request-id", request_id)]
    elif protocol in ("query", "rest-xml"):
        kind = "Sender" if status < 500 else "Receiver"
        body = ("<ErrorResponse><Error><Type>%s</Type><Code>%s</Code><Message>%s</Message></Error>"
                "<RequestId>%s</RequestId></ErrorResponse>" % (kind, code, message, request_id)).encode()
        headers.append(("Content-Type", "text/xml"))
    elif protocol == "json":
        body = json.dumps({"__type": code, "message": message}).encode()
        headers.append(("Content-Type", "application/x-amz-json-1.1"))
    elif protocol == "cbor":
        body = cbor_map({"__type": code, "message": message})
        headers += [("Content-Type", "application/cbor"), ("smithy-protocol", "rpc-v2-cbor")]
    else:  # rest-json
        body = json.dumps({"message": message}).encode()
        headers += [("Content-Type", "application/json"), ("x-amzn-ErrorType", code)]
    return status, headers, body


# ---------------------------------------------------------------------------------------------------
# The proxy
# ---------------------------------------------------------------------------------------------------

class FaultProxy:
    """See the module docstring. `mix` weighs the kinds of fault; `lose` limits lost responses to the
    actions it names (e.g. {"CreateVpc"}), `only` limits every fault to the services it names."""

    def __init__(self, upstream, port=0, rate=0.2, seed=0, mix=None, lose=None, only=None,
                 workers=8, backlog=32, timeout=60.0, max_events=5000):
        parts = urllib.parse.urlsplit(upstream)
        if parts.hostname not in LOOPBACK:
            raise ValueError("upstream %s is not a loopback address" % upstream)
        if not 0.0 <= rate <= 1.0:
            raise ValueError("rate %r is not between 0 and 1" % rate)
        self.upstream = (parts.hostname, parts.port or 80)
        self.rate = rate
        self.mix = dict(mix or {"throttle": 0.4, "error": 0.3, "lost": 0.3})
        unknown = set(self.mix) - set(KINDS)
        if unknown:
            raise ValueError("unknown fault kinds %s (known: %s)" % (sorted(unknown), ", ".join(KINDS)))
        self.lose = set(lose) if lose else None
        self.only = set(only) if only else None
        self.timeout = timeout
        self._rng = random.Random(seed)
        self._lock = threading.Lock()
        self._tokens = {}
        self.stats = collections.Counter()
        self.events = collections.deque(maxlen=max_events)  # (time, call name, what happened)
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="faultproxy")
        self._slots = threading.BoundedSemaphore(workers + backlog)
        self._server = _Server(("127.0.0.1", port), _Handler, self)
        self._thread = None

    @property
    def port(self):
        return self._server.server_address[1]

    @property
    def url(self):
        return "http://127.0.0.1:%d" % self.port

    def start(self):
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.2},
                                        name="faultproxy-accept", daemon=True)
        self._thread.start()
        return self

    def stop(self):
        self._server.shutdown()
        self._server.server_close()
        self._pool.shutdown(wait=True, cancel_futures=True)
        if self._thread:
            self._thread.join(timeout=5)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    def set_rate(self, rate):
        with self._lock:
            self.rate = rate

    def faults(self):
        """The faults injected so far: {kind: count}."""
        return {k: self.stats[k] for k in KINDS}

    def lost_calls(self):
        return [name for _, name, what in self.events if what == "lost"]

    # -- decisions ---------------------------------------------------------------------------------

    def decide(self, call):
        """None (forward as is) or the kind of fault for this call."""
        if urllib.parse.urlsplit(call.path).path.startswith("/moto-api"):
            return None
        if self.only is not None and call.service not in self.only:
            return None
        with self._lock:
            if self._rng.random() >= self.rate:
                return None
            kinds = [k for k in KINDS if self.mix.get(k)]
            kind = self._rng.choices(kinds, weights=[self.mix[k] for k in kinds])[0]
            pick = self._rng.random()
        if kind == "lost" and self.lose is not None and call.action not in self.lose:
            kind = "error"
        if kind == "error":
            kind = "error500" if pick < 0.5 else "error503"
        return kind

    def handle(self, call):
        """(status, headers, body) answered to the client."""
        self.stats["calls"] += 1
        key = (call.service, call.action, call.token) if call.token else None
        with self._lock:
            replay = self._tokens.get(key) if key else None
        if replay is not None:
            self.stats["token_replays"] += 1
            self.events.append((time.time(), call.name, "token replay"))
            return replay
        kind = self.decide(call)
        if kind == "throttle":
            self.stats["throttle"] += 1
            self.events.append((time.time(), call.name, "throttle"))
            return error_response(call.protocol, *THROTTLE[call.protocol])
        if kind in ("error500", "error503"):
            self.stats["error"] += 1
            self.events.append((time.time(), call.name, kind))
            return error_response(call.protocol, *SERVER_ERRORS[kind == "error503"])
        answer = self.forward(call)
        self.stats["upstream_%d" % answer[0]] += 1
        if key and 200 <= answer[0] < 300:
            with self._lock:
                self._tokens[key] = answer
        if kind == "lost":
            self.stats["lost"] += 1
            self.events.append((time.time(), call.name, "lost"))
            return error_response(call.protocol, *SERVER_ERRORS[0])
        return answer

    def forward(self, call):
        conn = http.client.HTTPConnection(*self.upstream, timeout=self.timeout)
        try:
            headers = {}
            for key, value in call.headers:
                if key.lower() not in HOP_BY_HOP:
                    headers[key] = value
            headers["Content-Length"] = str(len(call.body))
            conn.request(call.method, call.path, body=call.body, headers=headers)
            resp = conn.getresponse()
            body = resp.read()
            out = [(k, v) for k, v in resp.getheaders() if k.lower() not in HOP_BY_HOP | OWN_HEADERS]
            return resp.status, out, body
        finally:
            conn.close()


class _Server(http.server.HTTPServer):
    """Serves each connection on the proxy's bounded pool instead of a thread per connection."""

    daemon_threads = True

    def __init__(self, address, handler, proxy):
        self.proxy = proxy
        super().__init__(address, handler)

    def process_request(self, request, client_address):
        if not self.proxy._slots.acquire(blocking=False):
            self.proxy.stats["rejected_busy"] += 1
            try:
                request.sendall(b"HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
            except OSError:
                pass
            self.shutdown_request(request)
            return
        try:
            self.proxy._pool.submit(self._work, request, client_address)
        except RuntimeError:  # pool shut down
            self.proxy._slots.release()
            self.shutdown_request(request)

    def _work(self, request, client_address):
        try:
            request.settimeout(self.proxy.timeout)
            self.finish_request(request, client_address)
        except Exception:  # noqa: BLE001 - a broken client connection must not stop the proxy
            self.proxy.stats["client_errors"] += 1
        finally:
            self.shutdown_request(request)
            self.proxy._slots.release()


class _Handler(http.server.BaseHTTPRequestHandler):
    # One request per connection: a kept-alive connection would hold a worker of the bounded pool.
    protocol_version = "HTTP/1.0"
    server_version = "faultproxy"

    def log_message(self, *args):  # quiet
        pass

    def _read_body(self):
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            chunks = []
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    return b"".join(chunks)
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
        return self.rfile.read(int(self.headers.get("Content-Length") or 0))

    def _serve(self):
        proxy = self.server.proxy
        call = Call(self.command, self.path, list(self.headers.items()), self._read_body())
        try:
            status, headers, body = proxy.handle(call)
        except (OSError, http.client.HTTPException) as exc:
            proxy.stats["upstream_unreachable"] += 1
            status, headers, body = error_response(call.protocol, 503, "ServiceUnavailable",
                                                   "upstream: %s" % exc)
        self.send_response(status)
        for key, value in headers:
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = do_PATCH = do_OPTIONS = _serve


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--upstream", required=True, help="the emulator's URL (loopback only)")
    parser.add_argument("--port", type=int, default=0, help="port to listen on (127.0.0.1); 0 = any free port")
    parser.add_argument("--rate", type=float, default=0.2, help="share of AWS calls that get a fault")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--mix", default="throttle=0.4,error=0.3,lost=0.3",
                        help="weights of the kinds of fault, e.g. throttle=1,error=1,lost=0")
    parser.add_argument("--duration", type=float, default=3600.0, help="stop by itself after this many seconds")
    args = parser.parse_args(argv)
    mix = {k: float(v) for k, v in (item.split("=") for item in args.mix.split(","))}
    proxy = FaultProxy(args.upstream, port=args.port, rate=args.rate, seed=args.seed, mix=mix)
    with proxy:
        print(proxy.url, flush=True)
        try:
            time.sleep(args.duration)
        except KeyboardInterrupt:
            pass
    print(json.dumps(dict(proxy.stats), sort_keys=True))


if __name__ == "__main__":
    main()
