# Creates real sockets for LinuxBindTruthIT, driven one command per line over stdin/stdout.
# Java cannot set IPV6_V6ONLY and makes every INET6 socket dual-stack, so sockets come from here.
#
#   open <4|6> <v6only> <reuseaddr> <reuseport>    -> ok <id>
#   bind <id> <address> <port>                     -> ok | err <ERRNO>
#   listen <id>                                    -> ok | err <ERRNO>
#   inode <id>                                     -> ok <inode>
#   close <id>                                     -> ok
#   leftover <TIME_WAIT|ESTABLISHED> <4|6> <address> <port> <reuseaddr> <reuseport>
#       listens on address:port, accepts one connection, closes the listener, and leaves the
#       accepted side in the given state      -> ok <accepted-inode> <ids to close...> | err <ERRNO>
import errno
import os
import socket
import sys

sockets = {}
next_id = [1]


def keep(sock):
    sid = next_id[0]
    next_id[0] += 1
    sockets[sid] = sock
    return sid


def make(family, v6only, reuseaddr, reuseport):
    sock = socket.socket(socket.AF_INET6 if family == "6" else socket.AF_INET, socket.SOCK_STREAM)
    if family == "6":
        sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, int(v6only))
    if reuseaddr == "1":
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if reuseport == "1":
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    return sock


def leftover(state, family, address, port, reuseaddr, reuseport):
    listener = make(family, "0", reuseaddr, reuseport)
    listener.settimeout(5)
    try:
        listener.bind((address, int(port)))
        listener.listen(1)
        client = socket.socket(listener.family, socket.SOCK_STREAM)
        client.settimeout(5)
        client.connect((address, int(port)))
        accepted, _ = listener.accept()
    finally:
        listener.close()
    inode = os.fstat(accepted.fileno()).st_ino
    if state == "TIME_WAIT":
        accepted.close()  # the server closes first, so its side ends in TIME_WAIT
        client.recv(1)
        client.close()
        return "ok %d" % inode
    return "ok %d %d %d" % (inode, keep(accepted), keep(client))


def handle(words):
    op = words[0]
    if op == "open":
        return "ok %d" % keep(make(*words[1:5]))
    if op == "bind":
        sockets[int(words[1])].bind((words[2], int(words[3])))
        return "ok"
    if op == "listen":
        sockets[int(words[1])].listen(8)
        return "ok"
    if op == "inode":
        return "ok %d" % os.fstat(sockets[int(words[1])].fileno()).st_ino
    if op == "close":
        sockets.pop(int(words[1])).close()
        return "ok"
    if op == "leftover":
        return leftover(*words[1:7])
    return "err UNKNOWN_COMMAND"


for line in sys.stdin:
    try:
        reply = handle(line.split())
    except OSError as e:
        reply = "err " + errno.errorcode.get(e.errno, str(e.errno))
    sys.stdout.write(reply + "\n")
    sys.stdout.flush()
