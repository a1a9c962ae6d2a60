"""A local stand-in for Zoom's API, on a loopback port: the OAuth token
endpoint of a Server-to-Server OAuth app and the meeting registrants
endpoints (add, list with paging, status update), answering as Zoom's API
reference documents them. Failures are scripted per test (`fail`)."""

import base64
import json
import secrets
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit


class FakeZoom:
    def __init__(self, *, account_id, client_id, client_secret, meetings=(), expires_in=3600, page_cap=300):
        self.account_id, self.client_id, self.client_secret = account_id, client_id, client_secret
        self.expires_in = expires_in
        self.page_cap = page_cap  # the most registrants one page holds, whatever the client asks
        self.meetings = {str(meeting): {} for meeting in meetings}  # meeting -> registrant id -> registrant
        self.tokens = set()
        self.tokens_issued = 0
        self.requests = []  # (method, path, query) of every request received
        self.failures = []  # [method, path, status, headers, times left]; None times: forever
        self.lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    @property
    def url(self):
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def start(self):
        self._thread.start()

    def stop(self):
        self._server.shutdown()
        self._server.server_close()
        self._thread.join()

    def fail(self, method, path, status, *, times=1, headers=None):
        """The next `times` requests `method path` (None: forever) get `status`."""
        self.failures.append([method, path, status, headers or {}, times])

    def registrants(self, meeting):
        return list(self.meetings[str(meeting)].values())

    def _scripted_failure(self, method, path):
        with self.lock:
            for failure in self.failures:
                if failure[0] == method and failure[1] == path and failure[4] != 0:
                    if failure[4] is not None:
                        failure[4] -= 1
                    return failure[2], failure[3]
        return None

    def _handler(zoom):  # the handler class closes over this fake as `zoom`
        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format, *args):
                pass

            def _answer(self, status, body=None, headers=None):
                data = b"" if body is None else json.dumps(body).encode()
                self.send_response(status)
                for name, value in (headers or {}).items():
                    self.send_header(name, value)
                if body is not None:
                    self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _body(self):
                length = int(self.headers.get("Content-Length") or 0)
                return json.loads(self.rfile.read(length) or b"null")

            def _route(self, method):
                url = urlsplit(self.path)
                query = parse_qs(url.query)
                zoom.requests.append((method, url.path, query))
                failure = zoom._scripted_failure(method, url.path)
                if failure:
                    status, headers = failure
                    self._body() if method in ("POST", "PUT") else None
                    return self._answer(status, {"code": status, "message": "scripted failure"}, headers)
                if url.path == "/oauth/token" and method == "POST":
                    return self._token(query)
                parts = url.path.strip("/").split("/")
                if parts[:2] != ["v2", "meetings"] or len(parts) < 4 or parts[3] != "registrants":
                    return self._answer(404, {"code": 404, "message": "Not found."})
                if self.headers.get("Authorization", "").removeprefix("Bearer ") not in zoom.tokens:
                    return self._answer(401, {"code": 124, "message": "Invalid access token."})
                meeting = parts[2]
                if meeting not in zoom.meetings:
                    return self._answer(404, {"code": 3001, "message": f"Meeting does not exist: {meeting}."})
                if len(parts) == 4 and method == "POST":
                    return self._add(meeting, self._body())
                if len(parts) == 4 and method == "GET":
                    return self._list(meeting, query)
                if parts[4:] == ["status"] and method == "PUT":
                    return self._status(meeting, self._body())
                return self._answer(404, {"code": 404, "message": "Not found."})

            def do_POST(self):
                self._route("POST")

            def do_GET(self):
                self._route("GET")

            def do_PUT(self):
                self._route("PUT")

            def _token(self, query):
                expected = base64.b64encode(f"{zoom.client_id}:{zoom.client_secret}".encode()).decode()
                if self.headers.get("Authorization") != f"Basic {expected}":
                    return self._answer(
                        401, {"reason": "Invalid client_id or client_secret", "error": "invalid_client"}
                    )
                if query.get("grant_type") != ["account_credentials"]:
                    return self._answer(400, {"reason": "unsupported grant type", "error": "unsupported_grant_type"})
                if query.get("account_id") != [zoom.account_id]:
                    return self._answer(400, {"reason": "Invalid account_id", "error": "invalid_request"})
                token = secrets.token_urlsafe(24)
                zoom.tokens.add(token)
                zoom.tokens_issued += 1
                return self._answer(
                    200,
                    {
                        "access_token": token,
                        "token_type": "bearer",
                        "expires_in": zoom.expires_in,
                        "scope": "meeting:read:admin meeting:write:admin",
                    },
                )

            def _add(self, meeting, body):
                if not isinstance(body, dict) or not body.get("email") or not body.get("first_name"):
                    return self._answer(400, {"code": 300, "message": "Validation Failed."})
                registrants = zoom.meetings[meeting]
                for registrant in registrants.values():
                    if registrant["email"] == body["email"]:
                        break
                else:
                    registrant_id = secrets.token_urlsafe(16)
                    registrant = registrants[registrant_id] = {
                        "id": registrant_id,
                        "email": body["email"],
                        "first_name": body["first_name"],
                        "last_name": body.get("last_name", ""),
                        "status": "approved",
                        "create_time": "2026-06-01T10:00:00Z",
                        "join_url": f"https://zoom.us/w/{meeting}?tk={secrets.token_urlsafe(32)}",
                    }
                return self._answer(
                    201,
                    {
                        "id": int(meeting),
                        "join_url": registrant["join_url"],
                        "registrant_id": registrant["id"],
                        "start_time": "2026-06-25T07:00:00Z",
                        "topic": "Forum",
                        "occurrences": [],
                    },
                )

            def _list(self, meeting, query):
                status = query.get("status", ["approved"])[0]
                page_size = min(int(query.get("page_size", ["30"])[0]), 300, zoom.page_cap)
                start = int(query.get("next_page_token", ["0"])[0] or 0)
                chosen = [r for r in zoom.meetings[meeting].values() if r["status"] == status]
                page = chosen[start : start + page_size]
                following = start + page_size if start + page_size < len(chosen) else None
                return self._answer(
                    200,
                    {
                        "page_size": page_size,
                        "total_records": len(chosen),
                        "next_page_token": str(following) if following is not None else "",
                        "registrants": page,
                    },
                )

            def _status(self, meeting, body):
                if not isinstance(body, dict) or body.get("action") not in ("approve", "cancel", "deny"):
                    return self._answer(400, {"code": 300, "message": "Validation Failed."})
                new = {"approve": "approved", "cancel": "cancelled", "deny": "denied"}[body["action"]]
                registrants = zoom.meetings[meeting]
                for item in body.get("registrants") or []:
                    for registrant in registrants.values():
                        if registrant["id"] == item.get("id") or registrant["email"] == item.get("email"):
                            registrant["status"] = new
                return self._answer(204)

        return Handler
