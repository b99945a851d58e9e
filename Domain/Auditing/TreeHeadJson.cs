using System.Text.Json;
using System.Text.Json.Nodes;

namespace MedCrypt.Domain.Auditing;

/// <summary>
/// One signed tree head as one self-contained JSON line of the heads file:
/// {"treeSize","rootHash","timestamp","keyId","signature","consistencyFrom","consistencyProof"} — hashes and the
/// DER signature in base64, the timestamp in Unix milliseconds (what is signed), the key id in hex.
/// </summary>
public static class TreeHeadJson
{
    public static string Write(SignedTreeHead head)
    {
        ArgumentNullException.ThrowIfNull(head);
        var json = new JsonObject
        {
            ["treeSize"] = head.TreeSize,
            ["rootHash"] = Convert.ToBase64String(head.RootHash),
            ["timestamp"] = head.Timestamp.ToUnixTimeMilliseconds(),
            ["keyId"] = head.KeyId,
            ["signature"] = Convert.ToBase64String(head.Signature),
        };
        if (head.ConsistencyFrom is { } from)
        {
            json["consistencyFrom"] = from;
            json["consistencyProof"] = new JsonArray([.. head.ConsistencyProof.Select(p => (JsonNode)Convert.ToBase64String(p))]);
        }

        return json.ToJsonString();
    }

    /// <exception cref="FormatException">The line is not a signed tree head (the message says what is wrong).</exception>
    public static SignedTreeHead Read(string line)
    {
        try
        {
            JsonObject json = JsonNode.Parse(line)?.AsObject() ?? throw new FormatException("it is not a JSON object");
            long size = Required(json, "treeSize").GetValue<long>();
            byte[] root = Convert.FromBase64String(Required(json, "rootHash").GetValue<string>());
            if (size < 0 || root.Length != MerkleTree.HashSize)
            {
                throw new FormatException("its tree size or root hash is malformed");
            }

            long? from = json["consistencyFrom"]?.GetValue<long>();
            List<byte[]> proof = json["consistencyProof"] is JsonArray array ? [.. array.Select(p => Convert.FromBase64String(p?.GetValue<string>() ?? throw new FormatException("its consistency proof holds a null")))] : [];
            return new SignedTreeHead(
                size, root, DateTimeOffset.FromUnixTimeMilliseconds(Required(json, "timestamp").GetValue<long>()),
                Required(json, "keyId").GetValue<string>(), Convert.FromBase64String(Required(json, "signature").GetValue<string>()), from, proof);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or ArgumentException or FormatException)
        {
            throw new FormatException($"it is not a signed tree head: {e.Message}", e);
        }
    }

    private static JsonNode Required(JsonObject json, string name) => json[name] ?? throw new FormatException($"it has no \"{name}\"");
}
