using ConvNet.Core.Serialization;

namespace ConvNet.Core.Tests.Serialization;

public sealed class UntrustedTextTests
{
    [Fact]
    public void Short_text_is_kept_long_text_is_cut_with_its_length_and_control_characters_are_replaced()
    {
        UntrustedText.Quote("conv1.weight").Should().Be("'conv1.weight'");
        UntrustedText.Cut(new string('a', 80)).Should().Be(new string('a', 80));
        UntrustedText.Cut(new string('a', 81)).Should().Be(new string('a', 80) + "… (81 characters)");
        UntrustedText.Cut("line\nbreak\u001b[2J\tend").Should().Be("line?break?[2J?end", "a name from a file must not break the message's line or drive the terminal");
        UntrustedText.Cut(new string('b', 5000), maxLength: 10).Should().Be("bbbbbbbbbb… (5,000 characters)");
    }

    [Fact]
    public void A_reason_is_the_message_on_one_line_cut_to_the_problem_length()
    {
        var outOfRange = new ArgumentOutOfRangeException("width", 0, "width must be at least 1.");
        outOfRange.Message.Should().Contain("\n", "the runtime puts the actual value on a line of its own");

        UntrustedText.Reason(outOfRange).Should().Be("width must be at least 1. (Parameter 'width') Actual value was 0.");
        UntrustedText.Reason(new InvalidOperationException(new string('x', 5000))).Should().HaveLength(UntrustedText.MaxProblemLength + "… (5,000 characters)".Length);
    }
}
