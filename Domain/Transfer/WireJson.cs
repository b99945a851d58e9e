using System.Text.Json;
using System.Text.Json.Serialization;

namespace MedCrypt.Domain.Transfer;

/// <summary>camelCase JSON for what crosses between installations.</summary>
internal static class WireJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };
}
