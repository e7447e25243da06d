"""Deterministic abstract artwork for Byline's demo content.

Everything here uses Pillow only. The same ``seed`` always produces the same
picture, so the demo importer can regenerate hero images, community logos and
avatars at load time instead of shipping binary files in the repository.

Public API::

    make_image(path, *, seed, width=1600, height=900, kind="hero")
    make_avatar(path, *, seed)

``kind="hero"`` writes a progressive JPEG (quality 85) of ``width`` x ``height``;
``kind="logo"`` writes a 256x256 PNG (``width``/``height`` are ignored).
"""

from __future__ import annotations

import hashlib
import math
import random
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter, ImageFont

__all__ = ["COMMUNITY_LOGOS", "PALETTES", "make_avatar", "make_image"]

# Curated, fairly muted palettes: (background light, background dark, accents...)
PALETTES: dict[str, tuple[str, ...]] = {
    "dune": ("#f3e9dc", "#c08552", "#895737", "#5e3023", "#dab49d"),
    "lagoon": ("#e0f2f1", "#4f9d9a", "#2a6f73", "#a7d7c5", "#f4d6a0"),
    "dusk": ("#f6e7e1", "#6d5a8a", "#3e3b6e", "#e8a4a0", "#f2c6a0"),
    "moss": ("#eef0e2", "#7d8f69", "#4e6c50", "#c9d3a0", "#e6b89c"),
    "harbour": ("#e8eef4", "#5b7895", "#2f4858", "#9fb7cc", "#f0c987"),
    "clay": ("#f7ede2", "#d88c6c", "#9c4f3a", "#f2c5a8", "#5f6f73"),
    "ink": ("#ecebe6", "#3d5a6c", "#1f2f3a", "#8aa39b", "#e0a96d"),
    "orchard": ("#fbf3e4", "#e07a5f", "#3d405b", "#81b29a", "#f2cc8f"),
    "glacier": ("#f0f5f7", "#8fb8c9", "#4a6d7c", "#cfe1e8", "#d6a2ad"),
    "saffron": ("#fdf4e3", "#e3a857", "#7a4e2d", "#f6d49a", "#6b8f71"),
}

# Convenience: suggested seeds/palettes for the demo communities' logos.
COMMUNITY_LOGOS: dict[str, dict[str, str]] = {
    "Earth": {"seed": "community:earth", "palette": "moss"},
    "Futurism": {"seed": "community:futurism", "palette": "harbour"},
    "Feast": {"seed": "community:feast", "palette": "orchard"},
    "Wander": {"seed": "community:wander", "palette": "lagoon"},
    "Poets": {"seed": "community:poets", "palette": "dusk"},
    "Lifehack": {"seed": "community:lifehack", "palette": "saffron"},
}

_LOGO_SIZE = 256
_AVATAR_SIZE = 256


# --------------------------------------------------------------------------- helpers


def _rng(seed: str, salt: str = "") -> random.Random:
    digest = hashlib.sha256(f"{salt}:{seed}".encode()).digest()
    return random.Random(int.from_bytes(digest[:16], "big"))


def _rgb(hex_colour: str) -> tuple[int, int, int]:
    h = hex_colour.lstrip("#")
    return int(h[0:2], 16), int(h[2:4], 16), int(h[4:6], 16)


def _mix(a: tuple[int, int, int], b: tuple[int, int, int], t: float) -> tuple[int, int, int]:
    return tuple(round(x + (y - x) * t) for x, y in zip(a, b, strict=True))  # type: ignore[return-value]


def _palette(seed: str, name: str | None = None) -> list[tuple[int, int, int]]:
    if name is None or name not in PALETTES:
        names = sorted(PALETTES)
        name = names[_rng(seed, "palette").randrange(len(names))]
    return [_rgb(c) for c in PALETTES[name]]


def _gradient(
    size: tuple[int, int], c1: tuple[int, int, int], c2: tuple[int, int, int], angle: float
) -> Image.Image:
    """A smooth linear gradient from ``c1`` to ``c2`` at ``angle`` degrees."""
    ramp = Image.linear_gradient("L").resize((512, 512), Image.Resampling.BILINEAR)
    ramp = ramp.rotate(angle, resample=Image.Resampling.BICUBIC)
    ramp = ramp.crop((128, 128, 384, 384)).resize(size, Image.Resampling.BICUBIC)
    return Image.composite(Image.new("RGB", size, c2), Image.new("RGB", size, c1), ramp)


def _with_alpha(colour: tuple[int, int, int], alpha: int) -> tuple[int, int, int, int]:
    return (*colour, alpha)


def _blur(layer: Image.Image, radius: float) -> Image.Image:
    """Gaussian blur in premultiplied alpha, so transparent areas do not bleed dark halos."""
    return layer.convert("RGBa").filter(ImageFilter.GaussianBlur(radius)).convert("RGBA")


def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    try:
        return ImageFont.load_default(size=size)
    except (TypeError, OSError, AttributeError):  # very old Pillow / no FreeType
        return ImageFont.load_default()


def _initial(seed: str) -> str:
    text = seed.split(":", 1)[-1]
    for ch in text:
        if ch.isalnum():
            return ch.upper()
    return "B"


def _draw_letter(img: Image.Image, letter: str, colour: tuple[int, int, int, int], scale: float):
    """Draw ``letter`` centred on ``img`` with a height of roughly ``scale`` * image height."""
    w, h = img.size
    font = _font(max(8, int(h * scale)))
    draw = ImageDraw.Draw(img)
    stroke = max(1, int(h * scale * 0.035))
    bbox = draw.textbbox((0, 0), letter, font=font, stroke_width=stroke)
    tw, th = bbox[2] - bbox[0], bbox[3] - bbox[1]
    x = (w - tw) / 2 - bbox[0]
    y = (h - th) / 2 - bbox[1]
    draw.text((x, y), letter, font=font, fill=colour, stroke_width=stroke, stroke_fill=colour)


# --------------------------------------------------------------------------- hero layers


def _layer_orbs(size, rng, colours):
    w, h = size
    layer = Image.new("RGBA", size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(layer)
    for _ in range(rng.randint(4, 7)):
        r = rng.uniform(0.12, 0.38) * h
        cx, cy = rng.uniform(-0.05, 1.05) * w, rng.uniform(-0.1, 1.1) * h
        colour = rng.choice(colours)
        draw.ellipse(
            (cx - r, cy - r, cx + r, cy + r), fill=_with_alpha(colour, rng.randint(70, 140))
        )
    # a couple of crisp outline rings for a little structure
    for _ in range(rng.randint(1, 2)):
        r = rng.uniform(0.08, 0.22) * h
        cx, cy = rng.uniform(0.1, 0.9) * w, rng.uniform(0.15, 0.85) * h
        ring = _with_alpha(rng.choice(colours), 110)
        draw.ellipse((cx - r, cy - r, cx + r, cy + r), outline=ring, width=max(1, h // 120))
    blurred = _blur(layer, h * 0.035)
    return Image.alpha_composite(blurred, _crisp_dots(size, rng, colours))


def _crisp_dots(size, rng, colours):
    w, h = size
    layer = Image.new("RGBA", size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(layer)
    for _ in range(rng.randint(0, 3)):
        r = rng.uniform(0.015, 0.04) * h
        cx, cy = rng.uniform(0.05, 0.95) * w, rng.uniform(0.1, 0.9) * h
        draw.ellipse((cx - r, cy - r, cx + r, cy + r), fill=_with_alpha(rng.choice(colours), 150))
    return layer


def _layer_waves(size, rng, colours):
    w, h = size
    layer = Image.new("RGBA", size, (0, 0, 0, 0))
    n = rng.randint(3, 5)
    base_colour = rng.choice(colours)
    far_colour = rng.choice([c for c in colours if c != base_colour] or colours)
    # optional sun / moon
    if rng.random() < 0.7:
        sun = Image.new("RGBA", size, (0, 0, 0, 0))
        r = rng.uniform(0.1, 0.18) * h
        cx, cy = rng.uniform(0.15, 0.85) * w, rng.uniform(0.18, 0.4) * h
        ImageDraw.Draw(sun).ellipse(
            (cx - r, cy - r, cx + r, cy + r), fill=_with_alpha(rng.choice(colours), 170)
        )
        layer = Image.alpha_composite(layer, _blur(sun, h * 0.006))
    for i in range(n):
        t = i / max(1, n - 1)
        colour = _mix(far_colour, base_colour, t)
        baseline = h * (0.42 + 0.45 * t) + rng.uniform(-0.04, 0.04) * h
        amp = h * rng.uniform(0.025, 0.08)
        freq = rng.uniform(1.0, 2.6) * 2 * math.pi / w
        freq2 = rng.uniform(2.5, 5.0) * 2 * math.pi / w
        phase, phase2 = rng.uniform(0, 2 * math.pi), rng.uniform(0, 2 * math.pi)
        pts = [
            (
                x,
                baseline
                + amp * math.sin(freq * x + phase)
                + amp * 0.35 * math.sin(freq2 * x + phase2),
            )
            for x in range(0, w + 8, 4)
        ]
        pts += [(w + 8, h + 2), (0, h + 2)]
        band = Image.new("RGBA", size, (0, 0, 0, 0))
        ImageDraw.Draw(band).polygon(pts, fill=_with_alpha(colour, int(150 + 90 * t)))
        layer = Image.alpha_composite(layer, band)
    return _blur(layer, h * 0.002)


def _layer_stripes(size, rng, colours):
    w, h = size
    diag = int(math.hypot(w, h)) + 4
    layer = Image.new("RGBA", (diag, diag), (0, 0, 0, 0))
    draw = ImageDraw.Draw(layer)
    y = rng.uniform(0, 0.1) * diag
    skipped = False
    while y < diag:
        band = rng.uniform(0.025, 0.1) * diag
        if skipped or rng.random() < 0.7:  # never leave two gaps in a row
            alpha = rng.randint(50, 120)
            draw.rectangle((0, y, diag, y + band), fill=_with_alpha(rng.choice(colours), alpha))
            skipped = False
        else:
            skipped = True
        y += band + rng.uniform(0.01, 0.05) * diag
    angle = rng.choice([-1, 1]) * rng.uniform(18, 40)
    layer = layer.convert("RGBa").rotate(angle, resample=Image.Resampling.BICUBIC).convert("RGBA")
    left, top = (diag - w) // 2, (diag - h) // 2
    layer = layer.crop((left, top, left + w, top + h))
    layer = _blur(layer, h * 0.004)
    # a soft glow on top so stripes do not feel flat
    glow = Image.new("RGBA", size, (0, 0, 0, 0))
    r = rng.uniform(0.35, 0.6) * h
    cx, cy = rng.uniform(0.2, 0.8) * w, rng.uniform(0.2, 0.8) * h
    ImageDraw.Draw(glow).ellipse((cx - r, cy - r, cx + r, cy + r), fill=(255, 255, 255, 70))
    return Image.alpha_composite(layer, _blur(glow, h * 0.12))


def _layer_arcs(size, rng, colours):
    w, h = size
    layer = Image.new("RGBA", size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(layer)
    cx = rng.choice([-0.05, 1.05]) * w
    cy = rng.choice([-0.1, 1.1]) * h
    pair = rng.sample(colours, 2)
    step = h * rng.uniform(0.13, 0.2)
    width = max(2, int(step * rng.uniform(0.3, 0.5)))
    r, i = step * rng.uniform(0.8, 1.6), 0
    while r < math.hypot(w, h) * 0.95:
        alpha = rng.randint(45, 95)
        draw.ellipse(
            (cx - r, cy - r, cx + r, cy + r), outline=_with_alpha(pair[i % 2], alpha), width=width
        )
        r += step
        i += 1
    layer = _blur(layer, h * 0.002)
    return Image.alpha_composite(layer, _crisp_dots(size, rng, colours))


_HERO_STYLES = (_layer_orbs, _layer_waves, _layer_stripes, _layer_arcs)


def _hero(seed: str, width: int, height: int, palette: str | None = None) -> Image.Image:
    rng = _rng(seed, "hero")
    colours = _palette(seed, palette)
    light, dark, *accents = colours
    # Draw at half resolution, then upscale smoothly (fast and naturally soft).
    scale = 2 if min(width, height) >= 300 else 1
    size = (max(1, width // scale), max(1, height // scale))
    # keep the gradient gentle: light colour towards a tint of the dark one
    end = _mix(light, dark, rng.uniform(0.45, 0.8))
    img = _gradient(size, light, end, rng.uniform(0, 360)).convert("RGBA")
    style = _HERO_STYLES[rng.randrange(len(_HERO_STYLES))]
    img = Image.alpha_composite(img, style(size, rng, [dark, *accents]))
    img = img.convert("RGB")
    if scale != 1:
        img = img.resize((width, height), Image.Resampling.BICUBIC)
    # a whisper of grain hides JPEG banding in the gradients
    # (seeded, so output stays byte-for-byte deterministic)
    grain = rng.randbytes(width * height)
    noise = Image.frombytes("L", (width, height), grain).convert("RGB")
    return Image.blend(img, noise, 0.025)


# --------------------------------------------------------------------------- logo / avatar


def _glyph(draw: ImageDraw.ImageDraw, rng: random.Random, box, colour) -> None:
    x0, y0, x1, y1 = box
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    s = (x1 - x0) / 2
    kind = rng.randrange(5)
    width = max(2, int(s * 0.09))
    if kind == 0:  # ring
        draw.ellipse((cx - s, cy - s, cx + s, cy + s), outline=colour, width=width)
    elif kind == 1:  # diamond
        draw.polygon(
            [(cx, cy - s), (cx + s, cy), (cx, cy + s), (cx - s, cy)], outline=colour, width=width
        )
    elif kind == 2:  # triangle
        draw.polygon(
            [(cx, cy - s), (cx + s * 0.95, cy + s * 0.75), (cx - s * 0.95, cy + s * 0.75)],
            outline=colour,
            width=width,
        )
    elif kind == 3:  # double arc (sunrise)
        base = cy + s * 0.6
        for k in (1.0, 0.72):
            r = s * k
            draw.arc((cx - r, base - r, cx + r, base + r), 180, 360, fill=colour, width=width)
        draw.line((cx - s, base, cx + s, base), fill=colour, width=width)
    else:  # hexagon
        draw.regular_polygon(
            (cx, cy, s), 6, rotation=rng.choice([0, 30]), outline=colour, width=width
        )


def _logo(seed: str, palette: str | None = None, initial: str | None = None) -> Image.Image:
    rng = _rng(seed, "logo")
    light, dark, deep, *accents = _palette(seed, palette)
    big = _LOGO_SIZE * 4  # supersample for smooth edges
    img = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    bg = _gradient((big, big), dark, _mix(dark, deep, 0.75), rng.uniform(0, 360)).convert("RGBA")
    mask = Image.new("L", (big, big), 0)
    mdraw = ImageDraw.Draw(mask)
    if rng.random() < 0.5:
        mdraw.rounded_rectangle((0, 0, big - 1, big - 1), radius=int(big * 0.22), fill=255)
    else:
        mdraw.ellipse((0, 0, big - 1, big - 1), fill=255)
    # glyph behind the letter, in a light translucent tone
    deco = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    m = big * 0.17
    _glyph(ImageDraw.Draw(deco), rng, (m, m, big - m, big - m), _with_alpha(light, 95))
    accent = rng.choice(accents)
    r = big * 0.06
    ax, ay = big * rng.choice([0.74, 0.26]), big * 0.26
    ImageDraw.Draw(deco).ellipse((ax - r, ay - r, ax + r, ay + r), fill=_with_alpha(accent, 230))
    bg = Image.alpha_composite(bg, deco)
    _draw_letter(bg, (initial or _initial(seed))[:1].upper(), _with_alpha(light, 255), 0.42)
    img.paste(bg, (0, 0), mask)
    return img.resize((_LOGO_SIZE, _LOGO_SIZE), Image.Resampling.LANCZOS)


def _avatar(seed: str, palette: str | None = None, initial: str | None = None) -> Image.Image:
    rng = _rng(seed, "avatar")
    colours = _palette(seed, palette)
    light, dark, *accents = colours
    big = _AVATAR_SIZE * 2
    img = _gradient(
        (big, big), _mix(light, dark, 0.25), _mix(light, dark, 0.7), rng.uniform(0, 360)
    )
    img = img.convert("RGBA")
    layer = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    draw = ImageDraw.Draw(layer)
    for _ in range(3):
        r = rng.uniform(0.22, 0.45) * big
        cx, cy = rng.uniform(0.15, 0.85) * big, rng.uniform(0.15, 0.85) * big
        draw.ellipse((cx - r, cy - r, cx + r, cy + r), fill=_with_alpha(rng.choice(accents), 160))
    img = Image.alpha_composite(img, _blur(layer, big * 0.03))
    if initial:
        centre = img.convert("L").crop((big * 3 // 10, big * 3 // 10, big * 7 // 10, big * 7 // 10))
        grey = centre.resize((1, 1), Image.Resampling.BOX).getpixel((0, 0))
        ink = (
            (255, 255, 255, 240) if grey < 165 else _with_alpha(_mix(dark, (20, 20, 30), 0.55), 235)
        )
        _draw_letter(img, initial[:1].upper(), ink, 0.46)
    return img.convert("RGB").resize((_AVATAR_SIZE, _AVATAR_SIZE), Image.Resampling.LANCZOS)


# --------------------------------------------------------------------------- public API


def _community_preset(seed: str) -> dict[str, str] | None:
    """Match "Earth", "earth" or "community:earth" to its COMMUNITY_LOGOS entry."""
    key = seed.split(":", 1)[-1].strip().lower()
    for name, preset in COMMUNITY_LOGOS.items():
        if key == name.lower():
            return preset
    return None


def make_image(
    path: Path,
    *,
    seed: str,
    width: int = 1600,
    height: int = 900,
    kind: str = "hero",
    palette: str | None = None,
    initial: str | None = None,
) -> None:
    """Write a deterministic abstract image for ``seed`` to ``path``.

    ``kind="hero"``: ``width`` x ``height`` progressive JPEG (quality 85).
    ``kind="logo"``: 256x256 PNG with transparent corners; the letter is ``initial``
    or the first alphanumeric character of ``seed`` (after an optional ``prefix:``).
    ``palette`` optionally forces one of :data:`PALETTES`; by default it is derived from
    the seed (logos for the demo community names use their :data:`COMMUNITY_LOGOS` palette).
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if kind == "hero":
        img = _hero(seed, width, height, palette)
        img.save(path, "JPEG", quality=85, progressive=True, optimize=True)
    elif kind == "logo":
        if palette is None:
            preset = _community_preset(seed)
            palette = preset["palette"] if preset else None
        _logo(seed, palette, initial).save(path, "PNG", optimize=True)
    elif kind == "avatar":
        _avatar(seed, palette, initial).save(path, "PNG", optimize=True)
    else:
        raise ValueError(f"unknown image kind: {kind!r}")


def make_avatar(
    path: Path, *, seed: str, palette: str | None = None, initial: str | None = None
) -> None:
    """Write a deterministic 256x256 PNG avatar (soft abstract blobs, optional letter)."""
    make_image(path, seed=seed, kind="avatar", palette=palette, initial=initial)
