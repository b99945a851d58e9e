using System.Security.Cryptography;
using MedCrypt.Domain.Auditing;

namespace MedCrypt.Domain.Tests;

/// <summary>
/// RFC 9162 §2.1 against the RFC 6962 test vectors Certificate Transparency implementations share, and against
/// tests/reference/merkle_reference.py (an independent Python computation of a 37-leaf tree).
/// </summary>
public sealed class MerkleTreeTests
{
    private static readonly string[] CtLeaves = ["", "00", "10", "2021", "3031", "40414243", "5051525354555657", "606162636465666768696a6b6c6d6e6f"];
    private static readonly string[] CtRoots =
    [
        "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
        "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
        "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
        "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
        "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
        "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
    ];

    [Fact]
    public void Roots_match_the_rfc_6962_vectors()
    {
        List<byte[]> leaves = Ct();
        Assert.Equal("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", Convert.ToHexStringLower(MerkleTree.Root([])));
        for (int n = 1; n <= 8; n++)
        {
            Assert.Equal(CtRoots[n - 1], Convert.ToHexStringLower(MerkleTree.Root(leaves[..n])));
        }
    }

    [Theory]
    [InlineData(0, 8, "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7 5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e 6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4")]
    [InlineData(5, 8, "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0 d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7")]
    [InlineData(2, 3, "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125")]
    public void Inclusion_proofs_match_the_vectors_and_verify(int index, int size, string expected)
    {
        List<byte[]> leaves = Ct()[..size];
        List<byte[]> proof = MerkleTree.InclusionProof(leaves, index);
        Assert.Equal(expected, string.Join(' ', proof.Select(Convert.ToHexStringLower)));
        Assert.True(MerkleTree.VerifyInclusion(leaves[index], index, size, proof, Convert.FromHexString(CtRoots[size - 1])));
    }

    [Theory]
    [InlineData(1, 8, "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7 5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e 6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4")]
    [InlineData(6, 8, "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0 d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7")]
    [InlineData(2, 5, "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b")]
    public void Consistency_proofs_match_the_vectors_and_verify(int first, int second, string expected)
    {
        List<byte[]> leaves = Ct()[..second];
        List<byte[]> proof = MerkleTree.ConsistencyProof(leaves, first);
        Assert.Equal(expected, string.Join(' ', proof.Select(Convert.ToHexStringLower)));
        Assert.True(MerkleTree.VerifyConsistency(first, second, Convert.FromHexString(CtRoots[first - 1]), Convert.FromHexString(CtRoots[second - 1]), proof));
    }

    [Fact]
    public void A_37_leaf_tree_agrees_with_the_python_reference()
    {
        List<byte[]> many = Many(37);
        Assert.Equal("d957b4435a2c5d65d83010c98ed9a9c32397da2bb99077ad7d635a8196f7a187", Convert.ToHexStringLower(MerkleTree.Root(many)));
        Assert.Equal("18f5a57edf266ac2fc4af677a93dac07787325a3dddfe4c199d974df2728e946", Digest(MerkleTree.InclusionProof(many, 5)));
        Assert.Equal("427cf2e302d7d2a896204666aea284b3ee4affdc7dc700823c55f9421ea21c39", Digest(MerkleTree.InclusionProof(many, 36)));
        Assert.Equal("cee5cd576f7230b69f61efc07d653bcdeafeaf889934a74c603595e9461a77b5", Digest(MerkleTree.ConsistencyProof(many, 13)));
        Assert.Equal("2bbce7584ba22fd53fdbd3f2a6b8d9e2b56e92473938e782d20b2c6177792676", Digest(MerkleTree.ConsistencyProof(many, 32)));
    }

    [Fact]
    public void Every_proof_of_every_size_verifies_and_a_changed_one_does_not()
    {
        List<byte[]> all = Many(40);
        var roots = new List<byte[]> { MerkleTree.EmptyRoot() };
        var builder = new MerkleRootBuilder();
        foreach (byte[] leaf in all)
        {
            builder.Append(leaf);
            roots.Add(builder.Root()); // streaming root == the recursive definition's (checked against the vectors above)
        }

        for (int n = 1; n <= all.Count; n++)
        {
            List<byte[]> leaves = all[..n];
            for (int i = 0; i < n; i++)
            {
                List<byte[]> proof = MerkleTree.InclusionProof(leaves, i);
                Assert.True(MerkleTree.VerifyInclusion(leaves[i], i, n, proof, roots[n]));
                Assert.False(MerkleTree.VerifyInclusion(leaves[(i + 1) % n], i, n, proof, roots[n]) && n > 1);
                if (proof.Count > 0)
                {
                    Assert.False(MerkleTree.VerifyInclusion(leaves[i], i, n, proof[..^1], roots[n]));
                }
            }

            for (int m = 0; m <= n; m++)
            {
                List<byte[]> proof = MerkleTree.ConsistencyProof(leaves, m);
                Assert.True(MerkleTree.VerifyConsistency(m, n, roots[m], roots[n], proof), $"{m} → {n}");
                if (m > 0 && m < n)
                {
                    byte[] other = (byte[])roots[m].Clone();
                    other[0] ^= 1;
                    Assert.False(MerkleTree.VerifyConsistency(m, n, other, roots[n], proof));
                    Assert.False(MerkleTree.VerifyConsistency(m, n, roots[m], roots[n], proof[..^1]));
                }
            }
        }
    }

    private static List<byte[]> Ct() => [.. CtLeaves.Select(h => Leaf(Convert.FromHexString(h)))];

    private static List<byte[]> Many(int n) => [.. Enumerable.Range(0, n).Select(i => Leaf([(byte)i, (byte)(7 * i % 256)]))];

    private static byte[] Leaf(byte[] data)
    {
        byte[] hash = new byte[MerkleTree.HashSize];
        MerkleTree.LeafHash(data, hash);
        return hash;
    }

    private static string Digest(List<byte[]> proof) => Convert.ToHexStringLower(SHA256.HashData([.. proof.SelectMany(p => p)]));
}
