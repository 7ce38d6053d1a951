"""The HTTP server as a client sees it: tables of labelled steps against a real `buzon serve`.

Limits are lowered through the environment so that each refusal is cheap to provoke.
"""
import re
import time
from httptest import Server, check, finish, read_response, run_steps

ENV = {
    "BUZON_SERVER_MAX_BODY_BYTES": "1024",
    "BUZON_SERVER_MAX_HEADER_BYTES": "1024",
    "BUZON_SERVER_MAX_REQUEST_S": "1",
    "BUZON_SERVER_SHUTDOWN_GRACE_S": "10",
}
SECURITY = {
    "X-Content-Type-Options": "nosniff",
    "Cache-Control": "no-store",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'",
    "X-Request-Id": None,
}
PROBLEM = "application/problem+json"

OPERATIONS = [
    {"label": "liveness answers ok with the security headers", "method": "GET",
     "path": "/healthz", "status": 200, "json": {"status": "ok"},
     "headers_out": dict(SECURITY, **{"Content-Type": "application/json"})},
    {"label": "readiness answers ready", "method": "GET", "path": "/readyz", "status": 200,
     "json": {"status": "ready"}},
    {"label": "HEAD is answered like GET", "method": "HEAD", "path": "/healthz", "status": 200},
    {"label": "the printed address opens a Spanish page that says what is configured",
     "method": "GET", "path": "/", "status": 200,
     "headers_out": {"Content-Type": "text/html; charset=utf-8"},
     "contains": ["Buzón IMSS", "Inicio de sesión con e.firma: no configurado", "/api/v1"]},
    {"label": "a client's request id is echoed", "method": "GET", "path": "/healthz",
     "headers": {"X-Request-Id": "flow-42"}, "status": 200,
     "headers_out": {"X-Request-Id": "flow-42"}},
]

REFUSALS = [
    {"label": "an unknown path is a 404 problem in Spanish", "method": "GET",
     "path": "/api/v1/no-existe", "status": 404,
     "json": {"code": "not_found", "status": 404, "title": "No encontrado",
              "type": "urn:buzon-imss:problema:not_found"},
     "headers_out": dict(SECURITY, **{"Content-Type": PROBLEM})},
    {"label": "a known path with another method is 405 with Allow", "method": "DELETE",
     "path": "/metrics", "status": 405, "json": {"code": "method_not_allowed"},
     "headers_out": {"Allow": "GET, HEAD", "Content-Type": PROBLEM}},
    {"label": "the session needs credentials", "method": "GET", "path": "/api/v1/session",
     "status": 401, "json": {"code": "unauthenticated", "status": 401},
     "headers_out": {"WWW-Authenticate": 'Bearer realm="buzon"'}},
    {"label": "a bearer token nobody issued is refused", "method": "GET",
     "path": "/api/v1/session", "headers": {"Authorization": "Bearer nada"}, "status": 401,
     "json": {"code": "unauthenticated"}},
    {"label": "a body over server.max_body_bytes is 413", "method": "POST", "path": "/healthz",
     "body": b"x" * 2000, "status": 413, "json": {"code": "body_too_large", "status": 413}},
    {"label": "headers over server.max_header_bytes are 431", "method": "GET",
     "path": "/healthz", "headers": {"X-Pad": "p" * 1500}, "status": 431,
     "json": {"code": "headers_too_large"}},
]

METRICS = [
    {"label": "metrics count requests by route pattern and status", "method": "GET",
     "path": "/metrics", "status": 200,
     "headers_out": {"Content-Type": "text/plain; version=0.0.4; charset=utf-8"},
     "contains": ['buzon_http_requests_total{route="/healthz",method="GET",status="200"} 3',
                  'buzon_http_requests_total{route="/healthz",method="GET",status="431"} 1',
                  'buzon_http_requests_total{route="unmatched",method="",status="404"} 1',
                  'buzon_http_requests_total{route="/api/v1/session",method="GET",status="401"} 2',
                  'buzon_http_request_duration_seconds_count{route="/healthz",method="GET"} 4',
                  "# TYPE buzon_http_request_duration_seconds histogram",
                  "buzon_http_requests_in_flight 1"]},
]


def keep_alive(server):
    """Three requests on one connection, none of them asking to close it."""
    conn = server.connect()
    statuses, closes = [], []
    for _ in range(3):
        conn.request("GET", "/healthz")
        resp = conn.getresponse()
        resp.read()
        statuses.append(resp.status)
        closes.append(resp.getheader("Connection"))
    conn.close()
    check("a keep-alive connection serves several requests",
          statuses == [200] * 3 and closes == [None] * 3, f"{statuses} {closes}")


def odd_method(server):
    """A method that is not an HTTP token is neither echoed nor logged as sent."""
    s = server.raw()
    s.sendall(b"G\xc3(T /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
    status, headers, body = read_response(s)
    s.close()
    check("a method with bytes outside the token set is refused without echoing them",
          status == 405 and b"\xc3(" not in body and b"todo invalid" in body, f"{status} {body!r}")


def huge_headers(server):
    """Headers past libmicrohttpd's own pool: refused by the library before any handler."""
    s = server.raw()
    s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Pad: " + b"p" * 40000 + b"\r\n\r\n")
    status, headers, body = read_response(s)
    s.close()
    check("headers past the library's pool are refused with 431 too", status == 431, str(status))


def slow_body(server):
    """A body that completes after server.max_request_s is refused with 408."""
    s = server.raw()
    s.sendall(b"POST /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\n\r\nab")
    time.sleep(1.3)
    s.sendall(b"cd")
    status, headers, body = read_response(s)
    s.close()
    check("a body that arrives too slowly is 408",
          status == 408 and b'"code":"request_timeout"' in body, f"{status} {body!r}")


def sigterm_in_flight(server):
    """SIGTERM while a request is half received: it is still answered, then the server exits."""
    s = server.raw()
    s.sendall(b"GET /readyz HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\n\r\nab")
    time.sleep(0.2)
    server.proc.send_signal(15)
    time.sleep(0.3)
    refused = False
    try:
        server.raw().close()
    except OSError:
        refused = True
    s.sendall(b"cd")
    status, headers, body = read_response(s)
    s.close()
    check("after SIGTERM no new connection is accepted", refused)
    check("a request in flight when SIGTERM arrives is answered, asking to close",
          status == 200 and headers.get("connection") == "close", f"{status} {headers}")
    rc = server.stop()
    check("the server then exits with 0", rc == 0, server.stderr[-500:])
    return server.log_lines()


def access_log(lines):
    check("every log line, the library's included, is a JSON object",
          len(lines) == len([l for l in server.stderr.splitlines() if l.strip()]),
          server.stderr[:300])
    check("the library's own refusals are logged as http_library events",
          any(l["event"] == "http_library" and "431" in l["message"] for l in lines))
    access = [l for l in lines if l["event"] == "http_request"]
    check("one access-log line per answered request", len(access) >= 14, str(len(access)))
    fields = {"ts", "level", "event", "request_id", "method", "route", "status", "duration_ms"}
    check("access lines hold only method, route pattern, status, duration and request id",
          all(set(l) == fields for l in access), str(access[:2]))
    check("access lines name the route pattern, never the raw path",
          all(not l["route"].startswith("/api/v1/no-existe") for l in access))
    check("the echoed request id is logged",
          any(l["request_id"] == "flow-42" for l in access))
    check("request ids are unique",
          len({l["request_id"] for l in access}) == len(access))
    check("no header value reaches the log",
          not any(re.search("pppp|Bearer|nada", str(l)) for l in lines))
    check("a method that is not a token is logged as invalid",
          any(l["method"] == "invalid" for l in access) and
          all(re.fullmatch(r"[A-Z]+|invalid", l["method"]) for l in access))


server = Server(ENV)
try:
    run_steps(server, OPERATIONS)
    run_steps(server, REFUSALS)
    run_steps(server, METRICS)
    keep_alive(server)
    odd_method(server)
    huge_headers(server)
    slow_body(server)
    lines = sigterm_in_flight(server)
    access_log(lines)
finally:
    if server.proc.poll() is None:
        server.stop()
finish()
