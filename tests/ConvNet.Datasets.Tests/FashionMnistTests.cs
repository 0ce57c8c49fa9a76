using ConvNet.Core.Networks;
using ConvNet.Core.Training;

namespace ConvNet.Datasets.Tests;

public class FashionMnistTests
{
    [Fact]
    public void The_recipe_network_keeps_the_third_block_whole_as_its_documentation_says()
    {
        TrainingRecipe recipe = FashionMnist.CreateRecipe(seed: 1);
        NetworkSummary summary = recipe.Network.Summary();

        recipe.ModelName.Should().Be("wide");
        summary.Layers.Where(layer => layer.Kind is "Convolution" or "Affine" or "Pooling")
            .Select(layer => (layer.Kind, layer.OutputShape.ToString())).Should().Equal(
                ("Convolution", "[32, 28, 28]"),
                ("Pooling", "[32, 14, 14]"),
                ("Convolution", "[64, 14, 14]"),
                ("Pooling", "[64, 7, 7]"),
                ("Convolution", "[128, 7, 7]"),
                ("Affine", "[256]"),
                ("Affine", "[10]"));

        // conv 32·25 + 32, 64·32·9 + 64, 128·64·9 + 128; affine 6272·256 + 256, 256·10 + 10; batch normalization 2 · (32 + 64 + 128 + 256).
        summary.ParameterCount.Should().Be(832 + 18_496 + 73_856 + 1_605_888 + 2_570 + 960);
    }

    [Fact]
    public void The_recipe_mirrors_and_shifts_with_a_cosine_schedule_for_its_epochs()
    {
        TrainerOptions options = FashionMnist.CreateRecipe(seed: 1).Options;

        options.Epochs.Should().Be(FashionMnist.RecipeEpochs);
        options.Schedule.Should().BeOfType<CosineSchedule>();
        options.Augmentation.Should().BeOfType<ImageAugmentation>()
            .Which.Options.Should().Be(new ImageAugmentationOptions { MaxShift = 2, HorizontalFlip = true });
    }
}
