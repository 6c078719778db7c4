#!/usr/bin/python3
"""Twisted's FTP server (Debian's python3-twisted) for the lab: one user,
one directory, a passive port range. twistd's own ftp plugin cannot set the
passive range, so the lab starts the same FTPFactory through this script.

    twisted-ftpd.py --listen ADDR --port 21 --root DIR --user U --password P --pasv 3000-3009
"""
import argparse

from twisted.cred.checkers import InMemoryUsernamePasswordDatabaseDontUse
from twisted.cred.portal import Portal
from twisted.internet import reactor
from twisted.protocols.ftp import BaseFTPRealm, FTPFactory


class OneRootRealm(BaseFTPRealm):
    """Every user's home is the served directory."""

    def getHomeDirectory(self, avatarId):
        return self.anonymousRoot


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--listen", required=True)
    ap.add_argument("--port", type=int, default=21)
    ap.add_argument("--root", required=True)
    ap.add_argument("--user", required=True)
    ap.add_argument("--password", required=True)
    ap.add_argument("--pasv", required=True, help="FROM-TO")
    a = ap.parse_args()
    lo, hi = (int(x) for x in a.pasv.split("-"))
    # Twisted's FTP hands the checker the user and password as str.
    checker = InMemoryUsernamePasswordDatabaseDontUse()
    checker.addUser(a.user, a.password)
    portal = Portal(OneRootRealm(a.root), [checker])
    factory = FTPFactory(portal)
    factory.passivePortRange = range(lo, hi + 1)
    reactor.listenTCP(a.port, factory, interface=a.listen)
    print("twisted ftpd listening on %s:%d" % (a.listen, a.port), flush=True)
    reactor.run()


if __name__ == "__main__":
    main()
