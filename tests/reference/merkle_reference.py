#!/usr/bin/env python3
"""An independent reference of the audit log's Merkle tree (MerkleTree.cs), written from RFC 9162 section 2.1.

MTH({}) = SHA-256(); MTH({d0}) = SHA-256(0x00 || d0); MTH(D[n]) = SHA-256(0x01 || MTH(D[0:k]) || MTH(D[k:n])) with k
the largest power of two below n; PATH and PROOF as the RFC's recursive definitions (not the C# range planner).
Checks the RFC 6962 test vectors that Certificate Transparency implementations share, then prints the known answers
that MerkleTreeTests pins (a 37-leaf tree) and fails if they differ.
Run: python3 tests/reference/merkle_reference.py
"""
import hashlib
import sys


def leaf(d):
    return hashlib.sha256(b"\x00" + d).digest()


def node(l, r):
    return hashlib.sha256(b"\x01" + l + r).digest()


def split(n):
    k = 1
    while k * 2 < n:
        k *= 2
    return k


def mth(d):
    if not d:
        return hashlib.sha256(b"").digest()
    if len(d) == 1:
        return leaf(d[0])
    k = split(len(d))
    return node(mth(d[:k]), mth(d[k:]))


def path(m, d):
    if len(d) <= 1:
        return []
    k = split(len(d))
    if m < k:
        return path(m, d[:k]) + [mth(d[k:])]
    return path(m - k, d[k:]) + [mth(d[:k])]


def subproof(m, d, b):
    if m == len(d):
        return [] if b else [mth(d)]
    k = split(len(d))
    if m <= k:
        return subproof(m, d[:k], b) + [mth(d[k:])]
    return subproof(m - k, d[k:], False) + [mth(d[:k])]


def proof(m, d):
    return subproof(m, d, True) if 0 < m < len(d) else []


def digest(hashes):
    return hashlib.sha256(b"".join(hashes)).hexdigest()


CT_LEAVES = [bytes.fromhex(h) for h in ["", "00", "10", "2021", "3031", "40414243", "5051525354555657", "606162636465666768696a6b6c6d6e6f"]]
CT_ROOTS = [
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
]

# What MerkleTreeTests pins; this script recomputes it.
KNOWN = {
    "root(37)": "d957b4435a2c5d65d83010c98ed9a9c32397da2bb99077ad7d635a8196f7a187",
    "path(5, 37)": "18f5a57edf266ac2fc4af677a93dac07787325a3dddfe4c199d974df2728e946",
    "path(36, 37)": "427cf2e302d7d2a896204666aea284b3ee4affdc7dc700823c55f9421ea21c39",
    "proof(13, 37)": "cee5cd576f7230b69f61efc07d653bcdeafeaf889934a74c603595e9461a77b5",
    "proof(32, 37)": "2bbce7584ba22fd53fdbd3f2a6b8d9e2b56e92473938e782d20b2c6177792676",
}


def main():
    failed = 0
    for n in range(1, 9):
        if mth(CT_LEAVES[:n]).hex() != CT_ROOTS[n - 1]:
            print(f"RFC 6962 root of size {n} differs")
            failed += 1
    many = [bytes([i, (7 * i) % 256]) for i in range(37)]
    got = {
        "root(37)": mth(many).hex(),
        "path(5, 37)": digest(path(5, many)),
        "path(36, 37)": digest(path(36, many)),
        "proof(13, 37)": digest(proof(13, many)),
        "proof(32, 37)": digest(proof(32, many)),
    }
    for name, value in got.items():
        ok = KNOWN[name] == value
        failed += 0 if ok else 1
        print(f"{name:14} {value} {'ok' if ok else 'DIFFERS from ' + repr(KNOWN[name])}")
    print("merkle reference:", "agrees" if failed == 0 else f"{failed} differ")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
