#!/usr/bin/python3
"""Renders digits in handwriting fonts as photo-like or clean pictures, for measuring MnistImagePreprocessor.

Debian packages (apt-get install): python3-numpy python3-pil and the fonts
  fonts-bwht fonts-comic-neue fonts-dancingscript fonts-kaushanscript fonts-urw-base35 fonts-breip
  fonts-dkg-handwriting fonts-humor-sans fonts-klee fonts-kristi fonts-leckerli-one fonts-rufscript fonts-seto
  fonts-sjfonts fonts-tomsontalks fonts-yusei-magic

  generate.py photo OUT --count 200 --seed 1 --fonts dev       # photo-like set for tuning
  generate.py photo OUT --count 200 --seed 2 --fonts held-out  # held-out photo-like set (other fonts, other seed)
  generate.py clean OUT --count 200 --seed 4 --fonts held-out  # clean set: black on white or the reverse

Pictures go to OUT/<digit>/<number>.jpg (photo) or .png (clean), the folder-per-class layout, with OUT/manifest.csv
listing every picture's conditions. The same arguments always give the same files.

Photo-like conditions: paper grey with uneven lighting from a random direction, a vignette, soft shadows, the edge of
the sheet and the desk in the frame, plain, lined or grid paper (tilted a little), black or blue ink, pen width,
the digit 15-35 % of the frame height anywhere in the frame, rotated up to 25 degrees either way, specks of dirt,
blur, sensor noise and JPEG compression.
"""
import argparse
import csv
import math
import os
import random

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

FONT_FOLDER = "/usr/share/fonts"
# Handwriting-like fonts whose digits look handwritten; the two lists share no font, so tuning on "dev" says
# nothing about "held-out". (femkeklaver is outlined, setofont-ex has no digits: both left out.)
FONTS = {
    "dev": [
        "opentype/bwht/BecauseWeBuild-Regular.otf", "opentype/bwht/BecauseWeConnect-Regular.otf",
        "opentype/bwht/BecauseWeLearn-Regular.otf", "opentype/comic-neue/ComicNeue-Regular.otf",
        "opentype/comic-neue/ComicNeue-BoldItalic.otf", "opentype/comic-neue/ComicNeue-Light.otf",
        "opentype/dancingscript/DancingScript-Regular.otf", "truetype/fifthhorseman/dkg.ttf",
        "truetype/fifthhorseman/dkgBd.ttf", "truetype/humor-sans/Humor-Sans.ttf", "truetype/klee/KleeOne-Regular.ttf",
        "truetype/rufscript/Rufscript010.ttf", "truetype/sjfonts/SteveHand.ttf",
        "truetype/yusei-magic/YuseiMagic-Regular.ttf", "truetype/breip/Breip.ttf",
    ],
    "held-out": [
        "opentype/bwht/BecauseWeCreate-Regular.otf", "opentype/bwht/BecauseWeMentor-Regular.otf",
        "opentype/bwht/BecauseWeOrganize-Regular.otf", "opentype/comic-neue/ComicNeue-Bold.otf",
        "opentype/comic-neue/ComicNeue-Italic.otf", "opentype/comic-neue/ComicNeue-LightItalic.otf",
        "opentype/dancingscript/DancingScript-Bold.otf", "opentype/kaushanscript/KaushanScript-Regular.otf",
        "opentype/urw-base35/Z003-MediumItalic.otf", "truetype/fifthhorseman/dkgBI.ttf",
        "truetype/fifthhorseman/dkgIt.ttf", "truetype/klee/KleeOne-SemiBold.ttf", "truetype/kristi/Kristi.ttf",
        "truetype/leckerli-one/LeckerliOne-Regular.ttf", "truetype/seto/setofont.ttf",
        "truetype/tomsontalks/TomsonTalks.ttf", "truetype/sjfonts/Delphine.ttf",
    ],
}


def glyph_mask(rng, font_path, digit, height, stroke_fraction, rotation):
    """Coverage in [0, 1] of one digit whose unrotated glyph is `height` pixels tall, rotated by `rotation` degrees."""
    size = 200
    font = ImageFont.truetype(font_path, size)
    stroke = int(round(stroke_fraction * size))
    left, top, right, bottom = font.getbbox(str(digit), stroke_width=stroke)
    canvas = Image.new("L", (right - left + 40, bottom - top + 40), 0)
    ImageDraw.Draw(canvas).text((20 - left, 20 - top), str(digit), font=font, fill=255, stroke_width=stroke, stroke_fill=255)
    scale = height / (bottom - top)
    canvas = canvas.resize((max(1, round(canvas.width * scale)), max(1, round(canvas.height * scale))), Image.LANCZOS)
    canvas = canvas.rotate(rotation, resample=Image.BICUBIC, expand=True)
    coverage = np.asarray(canvas, dtype=np.float32) / 255.0
    rows = np.nonzero(coverage.max(axis=1) > 0.02)[0]
    columns = np.nonzero(coverage.max(axis=0) > 0.02)[0]
    return coverage[rows[0]:rows[-1] + 1, columns[0]:columns[-1] + 1]


def smooth_noise(rng, height, width, cells, amplitude):
    """Low-frequency noise: a coarse random grid scaled up bicubically."""
    grid = rng.normal(0, 1, (cells, cells)).astype(np.float32)
    image = Image.fromarray(grid, mode="F").resize((width, height), Image.BICUBIC)
    return np.asarray(image, dtype=np.float32) * amplitude


def half_plane(height, width, angle, offset, softness):
    """A soft step: 1 on the side the normal (cos angle, sin angle) points to beyond `offset` pixels from the centre."""
    ys, xs = np.mgrid[0:height, 0:width].astype(np.float32)
    distance = (xs - width / 2) * math.cos(angle) + (ys - height / 2) * math.sin(angle) - offset
    return 1.0 / (1.0 + np.exp(np.clip(-distance / max(softness, 0.3), -60, 60)))


def ruled_lines(rng, height, width, kind):
    """Coverage of the lines of lined or grid paper, tilted like a sheet not quite square to the camera."""
    tilt = math.radians(rng.uniform(-4, 4))
    spacing = height * (rng.uniform(0.05, 0.1) if kind == "lined" else rng.uniform(0.03, 0.07))
    thickness = rng.uniform(0.8, 2.2) * max(1.0, height / 400)
    ys, xs = np.mgrid[0:height, 0:width].astype(np.float32)
    along = -xs * math.sin(tilt) + ys * math.cos(tilt) + rng.uniform(0, spacing)
    across = xs * math.cos(tilt) + ys * math.sin(tilt) + rng.uniform(0, spacing)

    def stripes(position):
        distance = np.abs((position % spacing) - spacing / 2)
        return np.clip(thickness / 2 + 0.5 - distance, 0, 1)

    coverage = stripes(along)
    if kind == "grid":
        coverage = np.maximum(coverage, stripes(across))
    return coverage


def place(rng, mask_height, mask_width, height, width, paper):
    """A top-left corner that puts the digit fully on the paper (coverage > 0.9 under its box), or None."""
    margin = int(0.02 * min(height, width))
    for _ in range(200):
        top = rng.randint(margin, max(margin, height - mask_height - margin))
        left = rng.randint(margin, max(margin, width - mask_width - margin))
        if top + mask_height > height or left + mask_width > width:
            continue
        box = paper[top:top + mask_height, left:left + mask_width]
        if box.min() > 0.9:
            return top, left
    return None


def photo(rng, font_path, digit):
    """One photo-like picture (RGB in [0, 1]) of `digit` and the conditions drawn for it."""
    nprng = np.random.default_rng(rng.getrandbits(32))
    height = rng.randint(240, 720)
    width = int(height * rng.uniform(0.6, 1.6))
    info = {"width": width, "height": height}

    # Paper: grey with a tint and a faint texture; lined, grid or plain.
    grey = rng.uniform(0.6, 0.95)
    tint = np.array([rng.uniform(0.96, 1.04), 1.0, rng.uniform(0.94, 1.04)], dtype=np.float32)
    image = np.ones((height, width, 3), dtype=np.float32) * grey * tint
    image += smooth_noise(nprng, height, width, 8, 0.015)[..., None]
    info["paper"] = rng.choice(["plain", "plain", "lined", "grid"])
    if info["paper"] != "plain":
        colour = np.array(rng.choice([[0.45, 0.6, 0.95], [0.55, 0.55, 0.55], [0.5, 0.75, 0.85]]), dtype=np.float32)
        strength = rng.uniform(0.25, 0.6)
        lines = ruled_lines(rng, height, width, info["paper"])[..., None] * strength
        image = image * (1 - lines) + image * colour * lines
        if info["paper"] == "lined" and rng.random() < 0.4:
            margin_x = int(width * rng.uniform(0.08, 0.2))
            image[:, margin_x:margin_x + max(1, height // 300)] *= np.array([1.0, 0.55, 0.55], dtype=np.float32)

    # The edge of the sheet, and the desk beyond it, on zero to two sides.
    paper = np.ones((height, width), dtype=np.float32)
    info["edges"] = rng.choice([0, 0, 1, 1, 2])
    sides = rng.sample([0, 1, 2, 3], info["edges"])
    desk = np.array([rng.uniform(0.05, 0.5)] * 3, dtype=np.float32) * np.array(rng.choice([[1, 1, 1], [1.2, 0.9, 0.6], [0.8, 0.9, 1.1]]), dtype=np.float32)
    for side in sides:
        angle = side * math.pi / 2 + math.radians(rng.uniform(-10, 10))
        extent = (width if side % 2 == 0 else height) / 2
        offset = extent * rng.uniform(0.5, 0.94)
        paper *= 1 - half_plane(height, width, angle, offset, rng.uniform(0.4, 1.5))
    desk_texture = desk + smooth_noise(nprng, height, width, 24, 0.03)[..., None]
    image = image * paper[..., None] + desk_texture * (1 - paper[..., None])

    # The digit, somewhere on the paper.
    info["ink"] = rng.choice(["black", "black", "blue"])
    ink = np.array([rng.uniform(0.03, 0.2)] * 3 if info["ink"] == "black"
                   else [rng.uniform(0.05, 0.2), rng.uniform(0.1, 0.3), rng.uniform(0.45, 0.75)], dtype=np.float32)
    info["size"] = rng.uniform(0.15, 0.35)
    info["rotation"] = rng.uniform(-25, 25)
    info["pen"] = rng.uniform(0, 0.035)
    mask = glyph_mask(rng, font_path, digit, info["size"] * height, info["pen"], info["rotation"])
    spot = place(rng, mask.shape[0], mask.shape[1], height, width, paper)
    if spot is None:
        return None
    top, left = spot
    info["x"] = (left + mask.shape[1] / 2) / width
    info["y"] = (top + mask.shape[0] / 2) / height
    opacity = rng.uniform(0.8, 1.0)
    region = image[top:top + mask.shape[0], left:left + mask.shape[1]]
    coverage = mask[..., None] * opacity
    region[:] = region * (1 - coverage) + ink * coverage

    # Specks of dirt or crumbs of eraser.
    info["specks"] = rng.choice([0, 0, 0, 2, 5])
    specks = Image.new("L", (width, height), 0)
    draw = ImageDraw.Draw(specks)
    for _ in range(info["specks"]):
        x, y, r = rng.uniform(0, width), rng.uniform(0, height), rng.uniform(0.7, 2.2) * max(1, height / 400)
        draw.ellipse((x - r, y - r, x + r, y + r), fill=rng.randint(120, 255))
    specks = np.asarray(specks, dtype=np.float32)[..., None] / 255.0
    image = image * (1 - specks) + ink * specks

    # Light: a gradient from a random direction, a vignette, maybe a soft shadow (a hand or the phone).
    light_angle = rng.uniform(0, 2 * math.pi)
    info["light"] = round(math.degrees(light_angle))
    gradient = half_plane(height, width, light_angle, 0, max(height, width) / rng.uniform(2, 6))
    lighting = 1 - rng.uniform(0.15, 0.55) * gradient
    ys, xs = np.mgrid[0:height, 0:width].astype(np.float32)
    radius = ((xs / width - 0.5) ** 2 + (ys / height - 0.5) ** 2) * 2
    lighting *= 1 - rng.uniform(0, 0.3) * radius
    info["shadow"] = rng.random() < 0.4
    if info["shadow"]:
        shadow = half_plane(height, width, rng.uniform(0, 2 * math.pi), rng.uniform(0.1, 0.45) * max(height, width),
                            rng.uniform(0.02, 0.1) * height)
        lighting *= 1 - rng.uniform(0.2, 0.5) * shadow
    image *= lighting[..., None]

    # Camera: blur, noise, JPEG (applied when saving).
    info["blur"] = rng.uniform(0, 1.5) * height / 400
    pil = Image.fromarray((np.clip(image, 0, 1) * 255).astype(np.uint8), mode="RGB")
    pil = pil.filter(ImageFilter.GaussianBlur(info["blur"]))
    noisy = np.asarray(pil, dtype=np.float32) / 255.0
    info["noise"] = rng.uniform(0.005, 0.04)
    noisy += nprng.normal(0, info["noise"], noisy.shape).astype(np.float32)
    noisy += nprng.normal(0, info["noise"] / 2, noisy.shape[:2]).astype(np.float32)[..., None]
    info["quality"] = rng.randint(35, 90)
    return Image.fromarray((np.clip(noisy, 0, 1) * 255).round().astype(np.uint8), mode="RGB"), info


def clean(rng, font_path, digit):
    """One clean picture (greyscale): black on white or the reverse, any canvas size, slight rotation."""
    width, height = rng.randint(28, 320), rng.randint(28, 320)
    info = {"width": width, "height": height, "reverse": rng.random() < 0.5}
    info["size"] = rng.uniform(0.5, 0.9)
    info["rotation"] = rng.uniform(-8, 8)
    info["pen"] = rng.uniform(0, 0.02)
    mask = glyph_mask(rng, font_path, digit, info["size"] * min(height, width * 1.3), info["pen"], info["rotation"])
    mask = mask[:height, :width]
    image = np.zeros((height, width), dtype=np.float32)
    top = rng.randint(0, height - mask.shape[0])
    left = rng.randint(0, width - mask.shape[1])
    image[top:top + mask.shape[0], left:left + mask.shape[1]] = mask
    if not info["reverse"]:
        image = 1 - image
    return Image.fromarray((image * 255).round().astype(np.uint8), mode="L"), info


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("kind", choices=["photo", "clean"])
    parser.add_argument("out", help="output folder (must not exist: nothing is overwritten)")
    parser.add_argument("--count", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--fonts", choices=sorted(FONTS), default="dev")
    args = parser.parse_args()
    os.makedirs(args.out)
    rng = random.Random(args.seed)
    fonts = [os.path.join(FONT_FOLDER, path) for path in FONTS[args.fonts]]
    rows = []
    number = 0
    while number < args.count:
        digit = number % 10
        font = rng.choice(fonts)
        made = photo(rng, font, digit) if args.kind == "photo" else clean(rng, font, digit)
        if made is None:
            continue
        picture, info = made
        folder = os.path.join(args.out, str(digit))
        os.makedirs(folder, exist_ok=True)
        name = f"{number:04d}." + ("jpg" if args.kind == "photo" else "png")
        if args.kind == "photo":
            picture.save(os.path.join(folder, name), quality=info["quality"])
        else:
            picture.save(os.path.join(folder, name))
        rows.append({"file": f"{digit}/{name}", "label": digit, "font": os.path.basename(font),
                     **{key: (round(value, 3) if isinstance(value, float) else value) for key, value in info.items()}})
        number += 1
    keys = []
    for row in rows:
        keys += [key for key in row if key not in keys]
    with open(os.path.join(args.out, "manifest.csv"), "w", newline="") as manifest:
        writer = csv.DictWriter(manifest, fieldnames=keys)
        writer.writeheader()
        writer.writerows(rows)


if __name__ == "__main__":
    main()
