using System.Text;
using System.Text.Json;

namespace ConvNet.Core.Serialization;

/// <summary>
/// Parses JSON read from a file that may come from a stranger. System.Text.Json accepts an escaped half of a UTF-16
/// surrogate pair (<c>"\ud800"</c>) while parsing and throws <see cref="InvalidOperationException"/> only when the
/// string is read or a property looked up; here every escaped string is decoded once first, so such a document fails
/// at parsing, with a <see cref="JsonException"/>, as any other malformed one does.
/// </summary>
internal static class UntrustedJson
{
    /// <summary>Parses UTF-8 JSON whose every string decodes to valid text.</summary>
    /// <exception cref="JsonException">The text is not valid JSON, or a string escapes half a surrogate pair.</exception>
    public static JsonDocument Parse(ReadOnlyMemory<byte> utf8)
    {
        CheckEscapes(utf8.Span);
        return JsonDocument.Parse(utf8);
    }

    /// <summary>Parses JSON text whose every string decodes to valid text.</summary>
    /// <exception cref="JsonException">The text is not valid JSON, or a string escapes half a surrogate pair.</exception>
    public static JsonDocument Parse(string json) => Parse(Encoding.UTF8.GetBytes(json));

    private static void CheckEscapes(ReadOnlySpan<byte> utf8)
    {
        var reader = new Utf8JsonReader(utf8);
        while (reader.Read())
        {
            if (reader.TokenType is JsonTokenType.PropertyName or JsonTokenType.String && reader.ValueIsEscaped)
            {
                try
                {
                    reader.GetString();
                }
                catch (InvalidOperationException exception)
                {
                    throw new JsonException(
                        $"the string at byte {reader.TokenStartIndex} escapes half of a UTF-16 surrogate pair (\\ud800 to \\udfff) without the other half",
                        exception);
                }
            }
        }
    }
}
