#!/usr/bin/env python3
# token-server.py PORT KEY CERT SERVICE USER PASS — a minimal Docker registry token issuer for
# registry.bats: GET /token?service=S&scope=repository:NAME:ACTIONS with Basic USER:PASS (or
# anonymous, which gets no access) answers {"token": JWT}, RS256-signed with KEY, CERT in x5c.
# Loopback only; the test kills it.  Every request is appended to PORT.log (scope, auth or not).
import base64, json, subprocess, sys, time, os
from http.server import BaseHTTPRequestHandler, HTTPServer
from urllib.parse import urlparse, parse_qs

port, key, cert, service, user, pw = sys.argv[1:7]
der = subprocess.run(["openssl", "x509", "-in", cert, "-outform", "DER"], capture_output=True,
                     check=True).stdout


def b64(b):
    return base64.urlsafe_b64encode(b).rstrip(b"=").decode()


def sign(claims):
    head = {"alg": "RS256", "typ": "JWT", "x5c": [base64.b64encode(der).decode()]}
    msg = b64(json.dumps(head).encode()) + "." + b64(json.dumps(claims).encode())
    sig = subprocess.run(["openssl", "dgst", "-sha256", "-sign", key], input=msg.encode(),
                         capture_output=True, check=True).stdout
    return msg + "." + b64(sig)


class H(BaseHTTPRequestHandler):
    def log_message(self, *a):
        pass

    def do_GET(self):
        q = parse_qs(urlparse(self.path).query)
        want = "Basic " + base64.b64encode(f"{user}:{pw}".encode()).decode()
        got = self.headers.get("Authorization")
        with open(port + ".log", "a") as f:
            f.write(json.dumps({"scope": q.get("scope", [""])[0], "auth": bool(got)}) + "\n")
        if got and got != want:
            self.send_response(401)
            self.end_headers()
            self.wfile.write(b'{"errors":[{"code":"UNAUTHORIZED","message":"bad credentials"}]}')
            return
        access = []
        for s in q.get("scope", []):
            t, name, actions = s.split(":", 2)
            access.append({"type": t, "name": name,
                           "actions": actions.split(",") if got else []})
        now = int(time.time())
        tok = sign({"iss": "berth-issuer", "sub": user if got else "", "aud": service,
                    "exp": now + 300, "nbf": now - 10, "iat": now, "jti": os.urandom(8).hex(),
                    "access": access})
        body = json.dumps({"access_token": tok}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(body)


HTTPServer(("127.0.0.1", int(port)), H).serve_forever()
