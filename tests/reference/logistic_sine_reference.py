#!/usr/bin/env python3
"""An independent reference of the logistic-sine scheme, written from its description, in plain Python floats
(IEEE-754 doubles, one rounding per operation, like the C# vector code).

It encrypts the known-answer images of KnownAnswerTests and prints their SHA-256: equal hashes from two
languages show that the cipher is defined by its arithmetic, not by one platform's libm or vector unit.
Run: python3 tests/reference/logistic_sine_reference.py   (standard library only)
"""
import hashlib
import hmac
import math
import struct
import sys

A = [3.141592653589793, -5.16771278004997, 2.5501640398773455, -0.5992645293207921, 0.08214588661112823,
     -0.0073704309457143504, 0.00046630280576761255, -2.1915353447830217e-05, 7.952054001475513e-07,
     -2.2948428997269873e-08]
RESTART = 0.3819660112501051
TWO_M52 = 1.0 / 4503599627370496.0
ORBITS, WARM_UP, LANES, SBOX_WORDS = 16, 64, 8, 256


def hkdf(ikm, salt, info, length):
    prk = hmac.new(salt if salt else b"\0" * 32, ikm, hashlib.sha256).digest()
    out, block, i = b"", b"", 1
    while len(out) < length:
        block = hmac.new(prk, block + info + bytes([i]), hashlib.sha256).digest()
        out += block
        i += 1
    return out[:length]


def step(x, r, c):
    one_minus_x = 1.0 - x
    t = min(x, one_minus_x)
    t2 = t * t
    p = A[9]
    for k in range(8, -1, -1):
        p = p * t2 + A[k]
    y = r * (x * one_minus_x) + c * (p * t)
    y = y - math.floor(y)
    return RESTART if y == 0.0 else y


def words(seed, count):
    xs, rs = [], []
    for k in range(ORBITS):
        xb = struct.unpack_from("<Q", seed, 16 * k)[0] >> 12
        rb = struct.unpack_from("<Q", seed, 16 * k + 8)[0] >> 12
        xs.append((xb | 1) * TWO_M52)
        rs.append(1.0 + 3.0 * (rb * TWO_M52))
    cs = [(4.0 - r) * 0.25 for r in rs]
    for _ in range(WARM_UP):
        xs = [step(xs[k], rs[k], cs[k]) for k in range(ORBITS)]
    out = []
    while len(out) < count:
        xs = [step(xs[k], rs[k], cs[k]) for k in range(ORBITS)]
        out.extend(struct.unpack("<Q", struct.pack("<d", x + 1.0))[0] & 0xFFFFFFFF for x in xs)
    return out[:count]


def shuffle(values, draws):
    for i in range(len(values) - 1, 0, -1):
        j = (draws[i] * (i + 1)) >> 32
        values[i], values[j] = values[j], values[i]


def encrypt(plain, width, height, channels, key, nonce, rounds=2):
    n, pixels = len(plain), width * height
    seed = hkdf(key, nonce, f"medcrypt/v1/logistic-sine/R{rounds}".encode(), ORBITS * 16)
    iv_words = rounds * 2 * LANES // 4
    byte_words = (2 * rounds * n + 3) // 4
    w = words(seed, SBOX_WORDS + iv_words + pixels + byte_words)
    sbox = list(range(256))
    shuffle(sbox, w[:SBOX_WORDS])
    iv = b"".join(struct.pack("<I", v) for v in w[SBOX_WORDS:SBOX_WORDS + iv_words])
    perm = list(range(pixels))
    shuffle(perm, w[SBOX_WORDS + iv_words:SBOX_WORDS + iv_words + pixels])
    ks = b"".join(struct.pack("<I", v) for v in w[SBOX_WORDS + iv_words + pixels:])
    data = bytearray(plain)
    for r in range(rounds):
        data = bytearray(b"".join(bytes(data[p * channels:(p + 1) * channels]) for p in perm))
        fk, fiv = ks[2 * r * n:(2 * r + 1) * n], iv[2 * r * LANES:(2 * r + 1) * LANES]
        for i in range(n):
            chained = data[i - LANES] if i >= LANES else fiv[i]
            data[i] = sbox[(data[i] + chained) & 255] ^ fk[i]
        bk, biv = ks[(2 * r + 1) * n:(2 * r + 2) * n], iv[(2 * r + 1) * LANES:(2 * r + 2) * LANES]
        for i in range(n - 1, -1, -1):
            chained = data[i + LANES] if i + LANES < n else biv[n - 1 - i]
            data[i] = sbox[(data[i] + chained) & 255] ^ bk[i]
    return bytes(data)


def formula(width, height, channels):
    row = width * channels
    return bytes(((i // channels % width) * 7 + (i // row) * 13 + ((i // channels % width) * (i // row)) % 17
                  + (i % channels) * 85) & 255 for i in range(width * height * channels))


if __name__ == "__main__":
    key, nonce = bytes(range(1, 33)), bytes(range(101, 117))
    expected = {1: "2f14921c6024860231ce5a6d3fe0a1cafb58d392fd75dd8c41bc50c6396e5bff",
                3: "0d45c907cf545a9cb2c9a33fb63af0ec280b1c991eb77c8bf64e6eabd6b2d7e5"}
    ok = True
    for channels, name in ((1, "Gray8"), (3, "Rgb24")):
        digest = hashlib.sha256(encrypt(formula(68, 52, channels), 68, 52, channels, key, nonce)).hexdigest()
        match = digest == expected[channels]
        ok &= match
        print(f"logistic-sine {name}: {digest} {'matches' if match else 'DIFFERS FROM'} the C# known answer")
    sys.exit(0 if ok else 1)
