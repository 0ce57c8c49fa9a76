using System.Text;
using ConvNet.Core.Tests.Fuzzing;
using ConvNet.Datasets.Images;
using CsCheck;

namespace ConvNet.Datasets.Tests.Images;

/// <summary>
/// Mutation fuzzing of <see cref="ImageTransform.FromJson"/>: the transform travels in a model file's properties, and
/// model files may come from strangers. Damaged JSON must come back as a transform or an <see cref="InvalidDataException"/>
/// of one readable line, never another exception. Rerun a failing case with <c>CsCheck_Seed=SEED</c>.
/// </summary>
[Trait("Category", "Fuzz")]
public sealed class ImageTransformFuzzTests
{
    [Fact]
    public void Damaged_transforms_are_read_or_refused_in_one_short_line()
    {
        var transform = new ImageTransform(40, 24, ImageColorMode.Rgb, ImageResizeMode.CenterCrop, new ChannelNormalization([0.1f, 0.2f, 0.3f], [0.4f, 0.5f, 0.6f]));
        byte[] valid = Encoding.UTF8.GetBytes(transform.ToJson());

        Mutations.Of(valid).Sample(
            bytes =>
            {
                string json = Encoding.UTF8.GetString(bytes);
                try
                {
                    ImageTransform.FromJson(json);
                }
                catch (InvalidDataException exception)
                {
                    exception.Message.Length.Should().BeLessThan(2000, "errors stay one readable line");
                    exception.Message.Should().NotContainAny(["\n", "\r"], "text from the file has its control characters replaced");
                }
            },
            iter: 3000,
            threads: 1);
    }
}
