#!/usr/bin/env python3
"""SMTP server for Driftwatch's alert tests: aiosmtpd with STARTTLS required (self-signed certificate) and AUTH.

usage: smtp_server.py PORT_FILE MAIL_DIR CERT KEY USER PASSWORD
Each accepted message is written to MAIL_DIR/<n>.eml; the port is written to PORT_FILE once listening.
"""
import os, socket, ssl, sys, time
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

port_file, mail_dir, cert, key, user, password = sys.argv[1:7]
context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
context.load_cert_chain(cert, key)


class Handler:
    async def handle_DATA(self, server, session, envelope):
        n = len(os.listdir(mail_dir))
        with open(os.path.join(mail_dir, f"{n}.eml.tmp"), "wb") as f:
            f.write(b"X-Envelope-From: " + envelope.mail_from.encode() + b"\r\n")
            f.write(b"X-Envelope-To: " + ",".join(envelope.rcpt_tos).encode() + b"\r\n")
            f.write(b"X-Auth-User: " + (session.auth_data.login if session.auth_data else b"") + b"\r\n")
            f.write(envelope.original_content)
        os.rename(os.path.join(mail_dir, f"{n}.eml.tmp"), os.path.join(mail_dir, f"{n}.eml"))
        return "250 OK"


def authenticator(server, session, envelope, mechanism, auth_data):
    ok = isinstance(auth_data, LoginPassword) and auth_data.login == user.encode() and auth_data.password == password.encode()
    return AuthResult(success=ok, auth_data=auth_data if ok else None)


with socket.socket() as s:
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
controller = Controller(Handler(), hostname="127.0.0.1", port=port, tls_context=context, require_starttls=True,
                        authenticator=authenticator, auth_required=True, auth_require_tls=True)
controller.start()
with open(port_file + ".tmp", "w") as f:
    f.write(str(port))
os.rename(port_file + ".tmp", port_file)
while True:
    time.sleep(3600)
