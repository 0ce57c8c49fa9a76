using ConvNet.Core.Models;
using ConvNet.Core.Networks;
using ConvNet.Core.Serialization;

namespace ConvNet.Core.Tests.Serialization;

/// <summary>A checkpoint read from a stream that cannot seek is copied to memory first: never more than the limit.</summary>
public class StreamBufferLimitTests
{
    [Fact]
    public void An_endless_stream_is_refused_at_the_limit_instead_of_filling_memory()
    {
        var endless = new EndlessStream();

        FluentActions.Invoking(() => CheckpointReader.Open(endless, maxBufferedBytes: 1 << 20)).Should().Throw<InvalidDataException>()
            .WithMessage("The stream holds more than 1,048,576 bytes, the limit for a checkpoint read from a stream that cannot seek.");
        endless.BytesRead.Should().BeLessThan((1 << 20) + 81_920 + 1, "it stops reading within one buffer of the limit");
    }

    [Fact]
    public void A_checkpoint_of_exactly_the_limit_loads_and_a_limit_one_byte_smaller_refuses_it()
    {
        using var file = new MemoryStream();
        new Model(SimpleConvNet.Create(seed: 3), "digits").Save(file);
        byte[] bytes = file.ToArray();

        using (CheckpointReader reader = CheckpointReader.Open(new EndlessStream(bytes), maxBufferedBytes: bytes.Length))
        {
            reader.Metadata.Should().ContainKey("convnet.name").WhoseValue.Should().Be("digits");
        }

        FluentActions.Invoking(() => CheckpointReader.Open(new EndlessStream(bytes), maxBufferedBytes: bytes.Length - 1))
            .Should().Throw<InvalidDataException>().WithMessage("*more than*the limit*");
    }

    /// <summary>A forward-only stream of the given bytes, or of zeros without end.</summary>
    private sealed class EndlessStream(byte[]? content = null) : Stream
    {
        public long BytesRead { get; private set; }

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            int read = content is null ? count : (int)Math.Min(count, content.Length - BytesRead);
            if (content is null)
            {
                Array.Clear(buffer, offset, read);
            }
            else
            {
                content.AsSpan((int)BytesRead, read).CopyTo(buffer.AsSpan(offset));
            }

            BytesRead += read;
            return read;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
