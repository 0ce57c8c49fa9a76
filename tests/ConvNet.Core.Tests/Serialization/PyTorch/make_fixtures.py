#!/usr/bin/python3
"""PyTorch fixtures for PyTorchStateDictTests, made once by hand (CI never needs PyTorch).

    apt-get install -y python3-torch python3-numpy libopenblas0-pthread
    /usr/bin/python3 make_fixtures.py            # writes NAME.safetensors and NAME.expected.safetensors beside itself
    /usr/bin/python3 make_fixtures.py check DIR  # loads the files ConvNet exported into DIR (see below) into PyTorch

For each network below, the script builds the torch.nn.Sequential from its source text, trains it for a few SGD steps
(so batch normalization has running statistics of its own), switches it to eval mode and saves:
  NAME.safetensors           its state_dict, as safetensors.torch.save_file would (num_batches_tracked included)
  NAME.expected.safetensors  "inputs" (fixed random images) and "logits" (the module's output for them), with the
                             module's source in the metadata under "module"
The safetensors files are written and read here with json and struct, so the safetensors package is not needed.

`check DIR`: `CONVNET_PYTORCH_EXPORT_DIR=DIR dotnet test --filter PyTorchStateDictTests` makes the tests write every
file PyTorchStateDict.Export produces into DIR; this loads each into the module its "pytorch.module" metadata
describes with load_state_dict(strict=True) and compares the logits with the expected ones.
"""
import json
import os
import struct
import sys

import torch

NETWORKS = {
    # Every layer kind ConvNet maps, with non-default hyper-parameters (TestModels.EveryLayer in the tests).
    "every_layer": (
        (3, 12, 10),
        "torch.nn.Sequential(torch.nn.Conv2d(3, 4, kernel_size=3, padding=1), "
        "torch.nn.BatchNorm2d(4, eps=0.001, momentum=0.2), torch.nn.LeakyReLU(negative_slope=0.05), "
        "torch.nn.Conv2d(4, 6, kernel_size=3, stride=2), torch.nn.Tanh(), torch.nn.AvgPool2d(kernel_size=2, stride=2), "
        "torch.nn.Conv2d(6, 5, kernel_size=1), torch.nn.ReLU(), torch.nn.MaxPool2d(kernel_size=2, stride=1), "
        "torch.nn.Flatten(), torch.nn.Linear(5, 7), torch.nn.BatchNorm1d(7, eps=1e-05, momentum=0.1), torch.nn.Sigmoid(), "
        "torch.nn.Dropout(p=0.25), torch.nn.Linear(7, 5))",
    ),
    # The seed's network, smaller: ConvNet's Affine flattens images itself, PyTorch needs the Flatten module.
    "small_convnet": (
        (1, 12, 12),
        "torch.nn.Sequential(torch.nn.Conv2d(1, 4, kernel_size=5), torch.nn.ReLU(), "
        "torch.nn.MaxPool2d(kernel_size=2, stride=2), torch.nn.Flatten(), torch.nn.Linear(64, 16), torch.nn.ReLU(), "
        "torch.nn.Linear(16, 10))",
    ),
}

DTYPES = {torch.float32: "F32", torch.int64: "I64"}
TORCH_DTYPES = {name: dtype for dtype, name in DTYPES.items()}


def save(path, tensors, metadata):
    header = {"__metadata__": metadata}
    blobs = []
    offset = 0
    for name, tensor in tensors.items():
        data = tensor.detach().contiguous().numpy().tobytes()  # little-endian on the machines PyTorch runs on
        header[name] = {"dtype": DTYPES[tensor.dtype], "shape": list(tensor.shape), "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as file:
        file.write(struct.pack("<Q", len(text)))
        file.write(text)
        for data in blobs:
            file.write(data)


def load(path):
    with open(path, "rb") as file:
        (length,) = struct.unpack("<Q", file.read(8))
        header = json.loads(file.read(length))
        data = file.read()
    metadata = header.pop("__metadata__", {})
    tensors = {}
    for name, entry in header.items():
        begin, end = entry["data_offsets"]
        dtype = TORCH_DTYPES[entry["dtype"]]
        tensors[name] = torch.frombuffer(bytearray(data[begin:end]), dtype=dtype).reshape(entry["shape"]).clone()
    return tensors, metadata


def make(folder):
    for index, (name, (input_shape, source)) in enumerate(NETWORKS.items()):
        torch.manual_seed(1000 + index)
        model = eval(source)
        optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
        model.train()
        for _ in range(3):
            images = torch.rand(16, *input_shape) * 2 - 1
            labels = torch.randint(0, model[-1].out_features, (16,))
            optimizer.zero_grad()
            torch.nn.functional.cross_entropy(model(images), labels).backward()
            optimizer.step()
        model.eval()
        inputs = torch.rand(8, *input_shape) * 2 - 1
        with torch.no_grad():
            logits = model(inputs)
        save(os.path.join(folder, f"{name}.safetensors"), model.state_dict(), {"format": "pt"})
        save(os.path.join(folder, f"{name}.expected.safetensors"), {"inputs": inputs, "logits": logits}, {"module": source})
        print(f"{name}: {len(model.state_dict())} tensors, logits {tuple(logits.shape)}")


def check(folder, exported):
    for file_name in sorted(os.listdir(exported)):
        name = file_name.split(".")[0]
        tensors, metadata = load(os.path.join(exported, file_name))
        model = eval(metadata["pytorch.module"])
        model.load_state_dict(tensors, strict=True)
        model.eval()
        expected, _ = load(os.path.join(folder, f"{name}.expected.safetensors"))
        with torch.no_grad():
            logits = model(expected["inputs"])
        error = ((logits - expected["logits"]).abs().max() / expected["logits"].abs().max()).item()
        print(f"{file_name}: strict load_state_dict ok, largest logit difference {error:.2e} of the largest logit")
        assert error < 1e-5, file_name


if __name__ == "__main__":
    here = os.path.dirname(os.path.abspath(__file__))
    if len(sys.argv) == 3 and sys.argv[1] == "check":
        check(here, sys.argv[2])
    else:
        make(here)
