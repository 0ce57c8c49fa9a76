using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using CsCheck;

namespace ConvNet.Core.Tests.Fuzzing;

/// <summary>One change to a file: what kind, where (a fraction of the length, or a byte in the first 64), with which value.</summary>
internal readonly record struct Mutation(int Kind, int Position, bool NearStart, long Value, int Length);

/// <summary>
/// Generates damaged versions of a valid file, the way a hostile or broken source would: flipped and overwritten
/// bytes, header integers set to boundary values (0, -1, 2^31 - 1, 2^32, …), numbers in text replaced, words in text
/// overwritten by JSON escapes (half a surrogate pair, NUL, a quote), and truncated, cut, repeated or padded
/// stretches. Half the positions fall in the first 64 bytes, where headers are.
/// </summary>
internal static class Mutations
{
    private const int KindCount = 10;

    private static readonly long[] Boundaries =
        [0, 1, -1, 2, 4, 8, 0x7F, 0x80, 0xFF, 0x100, 0x7FFF, 0xFFFF, 0x10000, int.MaxValue, int.MinValue, uint.MaxValue,
         1L << 32, 1L << 40, long.MaxValue, long.MinValue, 28, 60_000, 784, 100_000_000];

    private static readonly string[] TextNumbers =
        ["0", "-1", "1", "2147483647", "2147483648", "4294967296", "9223372036854775807", "18446744073709551616",
         "1e30", "1.5", "-0", "00", "1e-3", "NaN", "\"7\"", "null", "[]", "{}"];

    private static readonly string[] Escapes = [@"\ud800", @"\udfff", @"\ud800\u0041", @"\u0000", @"\""", @"\\", @"\n", @"\x"];

    /// <summary>One mutation.</summary>
    public static Gen<Mutation> One { get; } = Gen.Select(
        Gen.Int[0, KindCount - 1],
        Gen.Int[0, int.MaxValue],
        Gen.Bool,
        Gen.OneOf(Gen.Int[0, Boundaries.Length - 1].Select(index => Boundaries[index]), Gen.Long),
        Gen.Int[1, 64],
        (kind, position, nearStart, value, length) => new Mutation(kind, position, nearStart, value, length));

    /// <summary>Files made from <paramref name="valid"/> by one to four mutations.</summary>
    public static Gen<byte[]> Of(byte[] valid) => One.Array[1, 4].Select(mutations => Apply(valid, mutations));

    /// <summary>Applies <paramref name="mutations"/> in order to a copy of <paramref name="valid"/>.</summary>
    public static byte[] Apply(byte[] valid, Mutation[] mutations)
    {
        var bytes = new List<byte>(valid);
        foreach (var mutation in mutations)
        {
            Apply(bytes, mutation);
        }

        return [.. bytes];
    }

    private static void Apply(List<byte> bytes, Mutation mutation)
    {
        if (bytes.Count == 0)
        {
            bytes.AddRange(BitConverter.GetBytes(mutation.Value));
            return;
        }

        int at = mutation.NearStart ? mutation.Position % Math.Min(64, bytes.Count) : mutation.Position % bytes.Count;
        int length = Math.Min(mutation.Length, bytes.Count - at);
        var random = new Random(unchecked((int)mutation.Value) ^ mutation.Position);
        switch (mutation.Kind)
        {
            case 0:
                bytes[at] ^= (byte)(1 << (int)((ulong)mutation.Value % 8));
                break;
            case 1:
                bytes[at] = (byte)mutation.Value;
                break;
            case 2:
                Overwrite(bytes, at, BigEndian32(mutation.Value));
                break;
            case 3:
                Overwrite(bytes, at, LittleEndian64(mutation.Value));
                break;
            case 4:
                bytes.RemoveRange(at, bytes.Count - at);
                break;
            case 5:
                var inserted = new byte[mutation.Length];
                random.NextBytes(inserted);
                bytes.InsertRange(at, inserted);
                break;
            case 6:
                bytes.RemoveRange(at, length);
                break;
            case 7:
                bytes.InsertRange(at, bytes.GetRange(at, length));
                break;
            case 8:
                ReplaceNumber(bytes, mutation);
                break;
            default:
                OverwriteWord(bytes, mutation);
                break;
        }
    }

    /// <summary>Replaces one run of ASCII digits (a number in a JSON header) with a boundary value or other token.</summary>
    private static void ReplaceNumber(List<byte> bytes, Mutation mutation)
    {
        var runs = new List<(int Start, int Length)>();
        int limit = Math.Min(bytes.Count, 1 << 16);
        for (int i = 0; i < limit; i++)
        {
            if (char.IsAsciiDigit((char)bytes[i]) && (i == 0 || !char.IsAsciiDigit((char)bytes[i - 1])))
            {
                int end = i;
                while (end < limit && char.IsAsciiDigit((char)bytes[end]))
                {
                    end++;
                }

                runs.Add((i, end - i));
            }
        }

        if (runs.Count == 0)
        {
            bytes[mutation.Position % bytes.Count] = (byte)mutation.Value;
            return;
        }

        var (start, runLength) = runs[mutation.Position % runs.Count];
        string replacement = mutation.Length % 2 == 0
            ? TextNumbers[(int)((ulong)mutation.Value % (ulong)TextNumbers.Length)]
            : mutation.Value.ToString(CultureInfo.InvariantCulture);
        bytes.RemoveRange(start, runLength);
        bytes.InsertRange(start, Encoding.ASCII.GetBytes(replacement));
    }

    /// <summary>
    /// Overwrites the start of one run of ASCII letters (a key or name in a JSON header) with a JSON escape, in place,
    /// so that a length written before the text still holds.
    /// </summary>
    private static void OverwriteWord(List<byte> bytes, Mutation mutation)
    {
        byte[] escape = Encoding.ASCII.GetBytes(Escapes[(int)((ulong)mutation.Value % (ulong)Escapes.Length)]);
        var starts = new List<int>();
        int limit = Math.Min(bytes.Count, 1 << 16);
        for (int i = 0; i + escape.Length <= limit; i++)
        {
            if ((i == 0 || !char.IsAsciiLetter((char)bytes[i - 1])) && bytes.GetRange(i, escape.Length).TrueForAll(b => char.IsAsciiLetter((char)b)))
            {
                starts.Add(i);
            }
        }

        if (starts.Count == 0)
        {
            bytes[mutation.Position % bytes.Count] = (byte)mutation.Value;
            return;
        }

        Overwrite(bytes, starts[mutation.Position % starts.Count], escape);
    }

    private static void Overwrite(List<byte> bytes, int at, byte[] value)
    {
        for (int i = 0; i < value.Length && at + i < bytes.Count; i++)
        {
            bytes[at + i] = value[i];
        }
    }

    private static byte[] BigEndian32(long value)
    {
        var bytes = new byte[4];
        BinaryPrimitives.WriteInt32BigEndian(bytes, unchecked((int)value));
        return bytes;
    }

    private static byte[] LittleEndian64(long value)
    {
        var bytes = new byte[8];
        BinaryPrimitives.WriteInt64LittleEndian(bytes, value);
        return bytes;
    }
}
