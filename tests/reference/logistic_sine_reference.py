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
ORBITS, WARM_UP, LANES, SBOX_DRAWS, BYTES_PER_STEP = 32, 64, 8, 256, 6


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
    # sin(pi t) as a polynomial in u = t^2, evaluated in Estrin's order (the order is part of the definition)
    u = t * t
    u2 = u * u
    u4 = u2 * u2
    u8 = u4 * u4
    q = [A[2 * i] + A[2 * i + 1] * u for i in range(5)]
    p = ((q[0] + q[1] * u2) + (q[2] + q[3] * u2) * u4) + q[4] * u8
    y = r * (x * one_minus_x) + c * (p * t)
    y = y - math.floor(y)
    return RESTART if y == 0.0 else y


def keystream(seed, length):
    xs, rs = [], []
    for k in range(ORBITS):
        xb = struct.unpack_from("<Q", seed, 16 * k)[0] >> 12
        rb = struct.unpack_from("<Q", seed, 16 * k + 8)[0] >> 12
        xs.append((xb | 1) * TWO_M52)
        rs.append(1.0 + 3.0 * (rb * TWO_M52))
    cs = [(4.0 - r) * 0.25 for r in rs]
    for _ in range(WARM_UP):
        xs = [step(xs[k], rs[k], cs[k]) for k in range(ORBITS)]
    out = bytearray()
    while len(out) < length:
        xs = [step(xs[k], rs[k], cs[k]) for k in range(ORBITS)]
        for x in xs:  # the low 48 of the 52 fraction bits, little-endian
            bits = struct.unpack("<Q", struct.pack("<d", x + 1.0))[0] & 0xFFFFFFFFFFFF
            out += struct.pack("<Q", bits)[:BYTES_PER_STEP]
    return bytes(out[:length])


def draws(data, offset, count):
    return list(struct.unpack_from(f"<{count}I", data, offset))


def shuffle(values, draws):
    for i in range(len(values) - 1, 0, -1):
        j = (draws[i] * (i + 1)) >> 32
        values[i], values[j] = values[j], values[i]


def encrypt(plain, width, height, channels, key, nonce, rounds=2):
    n, pixels = len(plain), width * height
    seed = hkdf(key, nonce, f"medcrypt/v1/logistic-sine/R{rounds}".encode(), ORBITS * 16)
    iv_offset = SBOX_DRAWS * 4
    perm_offset = iv_offset + 2 * rounds * LANES
    diffusion_offset = perm_offset + 4 * pixels
    ks = keystream(seed, diffusion_offset + 2 * rounds * n)
    sbox = list(range(256))
    shuffle(sbox, draws(ks, 0, SBOX_DRAWS))
    iv = ks[iv_offset:perm_offset]
    perm = list(range(pixels))
    shuffle(perm, draws(ks, perm_offset, pixels))
    ks = ks[diffusion_offset:]
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
    expected = {1: "eff2a482ab65260a76f3bae6eeef967f841578a6d507e258b585680cc9e4f092",
                3: "f491ca754d1aa776a99db99b24f7cb6301a1da0d6f8b3111ba262fe55b612276"}
    ok = True
    for channels, name in ((1, "Gray8"), (3, "Rgb24")):
        digest = hashlib.sha256(encrypt(formula(68, 52, channels), 68, 52, channels, key, nonce)).hexdigest()
        match = digest == expected[channels]
        ok &= match
        print(f"logistic-sine {name}: {digest} {'matches' if match else 'DIFFERS FROM'} the C# known answer")
    sys.exit(0 if ok else 1)
