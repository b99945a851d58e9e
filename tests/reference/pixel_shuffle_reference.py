#!/usr/bin/env python3
"""An independent reference of the pixel-shuffle scheme, written from its description (PixelShuffleScheme.cs).

seed = HKDF-SHA256(ikm = key, salt = nonce, info = "medcrypt/v1/pixel-shuffle/{W}x{H}/C{C}", 32 bytes);
the stream is AES-256-CTR under seed (16-byte counter blocks: 8 zero bytes, then a big-endian block number from 0);
a Fisher-Yates shuffle of the identity over all W*H*C values draws little-endian uint32s (j = (u * (i + 1)) >> 32,
i from n - 1 down to 1), then the next n bytes are the mask;
out[j] = in[source[j]] ^ mask[j].

It encrypts the known-answer images of KnownAnswerTests and prints their SHA-256. Needs python3-cryptography (AES).
Run: python3 tests/reference/pixel_shuffle_reference.py
"""
import hashlib
import struct
import sys

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from logistic_sine_reference import formula, hkdf


class Stream:
    def __init__(self, seed):
        self._encryptor = Cipher(algorithms.AES(seed), modes.ECB()).encryptor()
        self._block = 0
        self._buffer = b""

    def take(self, count):
        while len(self._buffer) < count:
            counters = b"".join(b"\0" * 8 + struct.pack(">Q", self._block + b) for b in range(256))
            self._block += 256
            self._buffer += self._encryptor.update(counters)
        out, self._buffer = self._buffer[:count], self._buffer[count:]
        return out


def encrypt(plain, width, height, channels, key, nonce):
    n = width * height * channels
    stream = Stream(hkdf(key, nonce, f"medcrypt/v1/pixel-shuffle/{width}x{height}/C{channels}".encode(), 32))
    source = list(range(n))
    for i in range(n - 1, 0, -1):
        j = (struct.unpack("<I", stream.take(4))[0] * (i + 1)) >> 32
        source[i], source[j] = source[j], source[i]
    mask = stream.take(n)
    return bytes(plain[source[j]] ^ mask[j] for j in range(n))


if __name__ == "__main__":
    key, nonce = bytes(range(1, 33)), bytes(range(101, 117))
    expected = {1: "09af3892da633bfa4e6e56a6abfa91e49915382601ebd6fee9fee54ce1fbcc27",
                3: "ee5f1d06b6f48398fcfff20e711b418077221acd0fcfac3d74098cd66964e856"}
    ok = True
    for channels, name in ((1, "Gray8"), (3, "Rgb24")):
        digest = hashlib.sha256(encrypt(formula(68, 52, channels), 68, 52, channels, key, nonce)).hexdigest()
        match = digest == expected[channels]
        ok &= match
        print(f"pixel-shuffle {name}: {digest} {'matches' if match else 'DIFFERS FROM'} the C# known answer")
    sys.exit(0 if ok else 1)
