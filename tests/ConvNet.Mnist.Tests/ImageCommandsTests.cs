using ConvNet.Core.Models;
using ConvNet.Datasets;
using ConvNet.Datasets.Images;
using ConvNet.Datasets.Tests;
using ConvNet.Datasets.Tests.Images;
using ConvNet.Mnist;
using Spectre.Console;

namespace ConvNet.Mnist.Tests;

/// <summary>
/// <c>train --images</c>, <c>train --dataset fashion-mnist</c>, <c>predict</c>, <c>evaluate</c> and <c>summary</c> end to
/// end, reading what the commands print (so these tests run alone: they redirect the process's console and Spectre's).
/// </summary>
[Collection(ConsoleOutput.Name)]
public sealed class ImageCommandsTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("convnet-images-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task Train_on_a_folder_of_pictures_saves_a_model_that_names_its_classes()
    {
        string pictures = Path.Combine(_folder, "shapes");
        SyntheticShapes.Write(pictures, perClass: 60, seed: 2);
        string broken = Path.Combine(pictures, "circle", "broken.png");
        File.WriteAllBytes(broken, [0x89, (byte)'P', (byte)'N', (byte)'G', 1, 2, 3]);
        string output = Path.Combine(_folder, "run");
        string model = Path.Combine(output, RunFiles.ModelFileName);

        (int trained, string trainOutput) = await RunAsync("train", "--images", pictures, "--epochs", "6", "--batch-size", "16", "--output", output);

        trained.Should().Be(0, trainOutput);
        trainOutput.Should().Contain("warning: skipped 1 of 181 files").And.Contain("broken.png");
        trainOutput.Should().Contain("Classes: circle, square, triangle").And.Contain("triangle │").And.MatchRegex(@"Validation accuracy: \d+\.\d\d% \(\d+/36\)");
        File.Exists(Path.Combine(output, RunFiles.CurveFileName)).Should().BeTrue();
        Model saved = Model.Load(model);
        saved.ClassNames.Should().Equal(SyntheticShapes.ClassNames);
        ImageTransform transform = ImageTransform.FromJson(saved.Properties[ImageTransform.PropertyKey]);
        (transform.Width, transform.Height, transform.ChannelCount).Should().Be((32, 32, 3));

        string square = Path.Combine(pictures, "square", "square-0001.png");
        (int predicted, string prediction) = await RunAsync("predict", "--model", model, "--image", square);
        predicted.Should().Be(0, prediction);
        prediction.Should().MatchRegex(@"Predicted: square \(\d\.\d\d\)");

        (int evaluated, string evaluation) = await RunAsync("evaluate", "--model", model, "--images", pictures);
        evaluated.Should().Be(0, evaluation);
        evaluation.Should().MatchRegex(@"Test accuracy: \d+\.\d\d% \(\d+/180\)");

        // --strict stops at the damaged picture, naming it, before any training or scoring.
        (int strictTrain, string strictTrainOutput) = await RunAsync("train", "--images", pictures, "--strict", "--output", Path.Combine(_folder, "strict"));
        strictTrain.Should().Be(1, strictTrainOutput);
        strictTrainOutput.Should().Contain("error:").And.Contain(broken);
        File.Exists(Path.Combine(_folder, "strict", RunFiles.ModelFileName)).Should().BeFalse();
        (int strictEvaluate, string strictEvaluateOutput) = await RunAsync("evaluate", "--model", model, "--images", pictures, "--strict");
        strictEvaluate.Should().Be(1, strictEvaluateOutput);
        strictEvaluateOutput.Should().Contain("error:").And.Contain(broken);

        (int summarized, string summary) = await RunAsync("summary", "--model", model);
        summarized.Should().Be(0, summary);
        summary.Should().Contain("Input [3, 32, 32], 3 classes").And.Contain("conv1 (Convolution)").And.Contain("Forward FLOPs per image");
    }

    [Fact]
    public async Task Summary_prints_every_built_in_network()
    {
        foreach (string name in new[] { "simple", "deep", "best" })
        {
            (int exitCode, string output) = await RunAsync("summary", "--model", name);

            exitCode.Should().Be(0, output);
            output.Should().Contain("Input [1, 28, 28], 10 classes").And.Contain("affine").And.Contain("Parameters:");
        }
    }

    [FashionMnistFact]
    [Trait("Category", "Integration")]
    public async Task Train_on_fashion_mnist_names_the_garments()
    {
        string model = Path.Combine(_folder, RunFiles.ModelFileName);

        (int trained, string trainOutput) = await RunAsync(
            "train", "--dataset", "fashion-mnist", "--model", "simple", "--train-size", "2000", "--test-size", "500", "--epochs", "1", "--output", _folder);

        trained.Should().Be(0, trainOutput);
        trainOutput.Should().Contain("Fashion-MNIST").And.Contain("Ankle boot").And.MatchRegex(@"Test accuracy: \d+\.\d\d% \(\d+/500\)");
        Model.Load(model).ClassNames.Should().Equal(FashionMnist.ClassNames);

        (int predicted, string prediction) = await RunAsync("predict", "--model", model, "--test-index", "0");
        predicted.Should().Be(0, prediction);
        prediction.Should().Contain("Label: Ankle boot").And.MatchRegex(@"Predicted: [A-Za-z/ -]+ \(\d\.\d\d\)");
    }

    [Fact]
    public async Task Image_options_that_do_not_fit_together_are_refused()
    {
        (await RunAsync("train", "--images", _folder, "--dataset", "mnist")).ExitCode.Should().Be(2);
        (await RunAsync("train", "--images", Path.Combine(_folder, "missing"))).ExitCode.Should().Be(1);
        (await RunAsync("train", "--dataset", "cifar")).ExitCode.Should().Be(2);
        (await RunAsync("summary", "--model", Path.Combine(_folder, "missing.safetensors"))).ExitCode.Should().Be(1);
    }

    /// <summary>Runs the sample and returns its exit code with the lines it wrote to standard output and error.</summary>
    private static async Task<(int ExitCode, string Output)> RunAsync(params string[] args)
    {
        (TextWriter output, TextWriter error, IAnsiConsole ansi) = (Console.Out, Console.Error, AnsiConsole.Console);
        using var captured = new StringWriter();
        Console.SetOut(captured);
        Console.SetError(captured);
        AnsiConsole.Console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(captured),
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
        });
        AnsiConsole.Console.Profile.Width = 200;   // wide enough that no table cell wraps
        try
        {
            int exitCode = await CommandRunner.RunAsync(args);
            return (exitCode, captured.ToString());
        }
        finally
        {
            Console.SetOut(output);
            Console.SetError(error);
            AnsiConsole.Console = ansi;
        }
    }
}
