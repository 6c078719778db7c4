#!/usr/bin/python3
"""Twisted's FTP server (Debian's python3-twisted) for ftpdiag's tests:
anonymous, read-only, on 127.0.0.1 only (twist ftp listens on every
interface).

    twisted-ftp.py PORT ROOT
"""
import sys

from twisted.cred.checkers import AllowAnonymousAccess
from twisted.cred.portal import Portal
from twisted.internet import reactor
from twisted.protocols.ftp import FTPFactory, FTPRealm

portal = Portal(FTPRealm(sys.argv[2]), [AllowAnonymousAccess()])
reactor.listenTCP(int(sys.argv[1]), FTPFactory(portal), interface="127.0.0.1")
reactor.run()
