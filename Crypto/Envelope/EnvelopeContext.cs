using System.Buffers.Binary;
using System.Text;

namespace MedCrypt.Crypto.Envelope;

/// <summary>
/// What an envelope belongs to, e.g. ("study/3f2a…", "original-image"). Sealed into the envelope as associated
/// data, so a blob moved to another study or passed off as another kind of content does not open.
/// </summary>
public sealed record EnvelopeContext(string Subject, string ContentKind)
{
    /// <summary>Length-prefixed UTF-8 of both parts, so no two contexts encode alike.</summary>
    public byte[] ToAssociatedData()
    {
        byte[] subject = Encoding.UTF8.GetBytes(Subject);
        byte[] kind = Encoding.UTF8.GetBytes(ContentKind);
        var data = new byte[8 + subject.Length + kind.Length];
        BinaryPrimitives.WriteInt32BigEndian(data, subject.Length);
        subject.CopyTo(data.AsSpan(4));
        BinaryPrimitives.WriteInt32BigEndian(data.AsSpan(4 + subject.Length), kind.Length);
        kind.CopyTo(data.AsSpan(8 + subject.Length));
        return data;
    }
}
