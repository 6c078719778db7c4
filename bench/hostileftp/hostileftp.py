#!/usr/bin/env python3
"""A deliberately hostile FTP server for bench/probe-time.sh (issue 30).

    hostileftp.py PORTFILE MODE

listens on 127.0.0.1 (a free port, written to PORTFILE) and answers like a
small healthy server, except:

  greet120   the greeting is "120 Service ready in 1 minute", once a second,
             for ever: no 220 ever comes
  dripbyte   the FEAT a client sends right after its login (a standard
             client library's, not the probe's own, which sends SYST first)
             is answered one byte every 5 s, for ever
  dripline   that FEAT is answered with "211-..." lines, one every 5 s, for ever
"""
import socket
import sys
import threading
import time


def serve(conn, mode):
    f = conn.makefile("rb")
    say = lambda s: conn.sendall(s.encode() + b"\r\n")
    syst = False
    pasv = None
    try:
        if mode == "greet120":
            while True:
                say("120 Service ready in 1 minute")
                time.sleep(1)
        say("220 hostile ready")
        for raw in f:
            line = raw.decode("latin-1").strip()
            verb = line.split(" ", 1)[0].upper()
            if verb == "USER":
                say("331 Password please")
            elif verb == "PASS":
                say("230 Logged in")
            elif verb == "SYST":
                syst = True
                say("215 UNIX Type: L8")
            elif verb == "FEAT" and not syst and mode == "dripbyte":
                while True:
                    conn.sendall(b"2")
                    time.sleep(5)
            elif verb == "FEAT" and not syst and mode == "dripline":
                while True:
                    say("211-still more features")
                    time.sleep(5)
            elif verb == "FEAT":
                say("211-Features:\r\n PASV\r\n211 End")
            elif verb == "PWD":
                say('257 "/" is current')
            elif verb in ("TYPE", "OPTS"):
                say("200 ok")
            elif verb == "SIZE":
                say("213 5")
            elif verb in ("PASV", "EPSV"):
                if pasv:
                    pasv.close()
                pasv = socket.socket()
                pasv.bind(("127.0.0.1", 0))
                pasv.listen(1)
                p = pasv.getsockname()[1]
                if verb == "PASV":
                    say("227 Entering Passive Mode (127,0,0,1,%d,%d)." % (p >> 8, p & 255))
                else:
                    say("229 Entering Extended Passive Mode (|||%d|)" % p)
            elif verb in ("LIST", "RETR", "NLST", "MLSD") and pasv:
                say("150 Here it comes")
                pasv.settimeout(10)
                d, _ = pasv.accept()
                d.sendall(b"-rw-r--r-- 1 ftp ftp 5 Jan 01 00:00 hello.txt\r\n" if verb != "RETR" else b"hello")
                d.close()
                pasv.close()
                pasv = None
                say("226 Done")
            elif verb == "QUIT":
                say("221 Bye")
                break
            else:
                say("502 Not implemented")
    except OSError:
        pass
    finally:
        conn.close()


def main():
    portfile, mode = sys.argv[1], sys.argv[2]
    ln = socket.socket()
    ln.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ln.bind(("127.0.0.1", 0))
    ln.listen(16)
    with open(portfile, "w") as pf:
        pf.write(str(ln.getsockname()[1]))
    while True:
        c, _ = ln.accept()
        threading.Thread(target=serve, args=(c, mode), daemon=True).start()


main()
