"""Training-time augmentation on batches of uint8 slices (N×1×S×S): geometry, acquisition differences between
hospitals (contrast, gamma, noise, blur, burnt-in text), and contrast randomisation so a model cannot learn
"T2-looking means healthy" (inversion inside the head, random non-monotonic curves as in SLAug, random shallow
convolutions as in GIN). The portal's preparation stays deterministic: none of this runs at inference.
The batch may lie on a GPU: the random parameters are always drawn from the given (CPU) generator, so a seed gives
the same augmentation on either device, and moved to the batch's device."""
import math
from typing import Tuple

import torch
import torch.nn.functional as F


def to(t: torch.Tensor, x: torch.Tensor) -> torch.Tensor:
    """`t` on `x`'s device; non_blocking: a copy from ordinary host memory is staged at once, without waiting for
    the GPU to finish its queue (a no-op on the CPU)."""
    return t.to(x.device, non_blocking=True)


def head_mask(x: torch.Tensor) -> torch.Tensor:
    """Inside-the-head pixels of prepared slices (x in [0, 1]): the preparation leaves the background black."""
    return (F.max_pool2d((x > 0.04).float(), 5, stride=1, padding=2) > 0).float()


def random_affine(x: torch.Tensor, generator: torch.Generator, max_degrees: float = 12,
                  scale: Tuple[float, float] = (0.85, 1.15), shift: float = 0.08) -> torch.Tensor:
    n = x.shape[0]
    angle = (torch.rand(n, generator=generator) * 2 - 1) * math.radians(max_degrees)
    s = torch.empty(n).uniform_(*scale, generator=generator)
    tx, ty = [(torch.rand(n, generator=generator) * 2 - 1) * shift for _ in range(2)]
    flip = torch.where(torch.rand(n, generator=generator) < 0.5, -1.0, 1.0)
    cos, sin = torch.cos(angle) / s, torch.sin(angle) / s
    theta = to(torch.stack([torch.stack([cos * flip, -sin, tx], 1), torch.stack([sin * flip, cos, ty], 1)], 1), x)
    grid = F.affine_grid(theta, x.shape, align_corners=False)
    return F.grid_sample(x, grid, mode="bilinear", padding_mode="zeros", align_corners=False)


def apply_curve(x: torch.Tensor, mask: torch.Tensor, knots: torch.Tensor) -> torch.Tensor:
    """A piecewise-linear intensity curve through `knots` (N×(P+1) values at 0, 1/P, …, 1), inside the head only."""
    n, points = x.shape[0], knots.shape[1] - 1
    position = x.clamp(0, 1) * points
    index = position.floor().clamp(max=points - 1).long()
    fraction = position - index
    lo = torch.gather(knots, 1, index.view(n, -1)).view_as(x)
    hi = torch.gather(knots, 1, (index + 1).view(n, -1)).view_as(x)
    return x * (1 - mask) + (lo + (hi - lo) * fraction) * mask


def random_curve(x: torch.Tensor, mask: torch.Tensor, generator: torch.Generator, points: int = 5) -> torch.Tensor:
    """A random, generally non-monotonic intensity curve (SLAug's idea) applied inside the head."""
    return apply_curve(x, mask, to(torch.rand(x.shape[0], points + 1, generator=generator), x))


def random_shallow_convolution(x: torch.Tensor, mask: torch.Tensor, generator: torch.Generator, layers: int = 3,
                               width: int = 8) -> torch.Tensor:
    """GIN: a freshly drawn random conv net of small kernels, normalised, blended with the original."""
    h = x
    for i in range(layers):
        out = 1 if i == layers - 1 else width
        k = int(torch.randint(0, 2, (1,), generator=generator)) * 2 + 1
        weight = to(torch.randn(out, h.shape[1], k, k, generator=generator) / math.sqrt(h.shape[1] * k * k), x)
        h = F.conv2d(h, weight, padding=k // 2)
        if i < layers - 1:
            h = F.leaky_relu(h, 0.2)
    lo = h.amin(dim=(1, 2, 3), keepdim=True)
    hi = h.amax(dim=(1, 2, 3), keepdim=True)
    h = (h - lo) / (hi - lo + 1e-6)
    alpha = to(torch.rand(x.shape[0], 1, 1, 1, generator=generator), x)
    return (alpha * h + (1 - alpha) * x) * mask + x * (1 - mask)


def text_occluders(x: torch.Tensor, generator: torch.Generator, probability: float = 0.3) -> torch.Tensor:
    """Bright thin bars near the borders, like burnt-in annotations and rulers."""
    n, _, size, _ = x.shape
    x = x.clone()
    for i in range(n):
        if float(torch.rand(1, generator=generator)) >= probability:
            continue
        for _ in range(int(torch.randint(1, 4, (1,), generator=generator))):
            h = int(torch.randint(2, max(3, size // 24), (1,), generator=generator))
            w = int(torch.randint(size // 16, size // 3, (1,), generator=generator))
            top = int(torch.randint(0, size - h, (1,), generator=generator))
            left = int(torch.randint(0, size - w, (1,), generator=generator))
            x[i, :, top:top + h, left:left + w] = float(torch.empty(1).uniform_(0.6, 1.0, generator=generator))
    return x


def augment(batch_uint8: torch.Tensor, generator: torch.Generator,
            contrast_randomisation: Tuple[float, float, float] = (0.2, 0.3, 0.2)) -> torch.Tensor:
    """uint8 N×1×S×S → float N×1×S×S in [0, 1]. contrast_randomisation: probabilities of inversion, curve, GIN."""
    x = batch_uint8.float() / 255
    x = random_affine(x, generator)
    mask = head_mask(x)
    n = x.shape[0]

    def chosen(p: float) -> torch.Tensor:
        return to((torch.rand(n, 1, 1, 1, generator=generator) < p).float(), x)

    p_invert, p_curve, p_gin = contrast_randomisation
    x = torch.where(chosen(p_invert) * mask > 0, 1 - x, x)
    x = torch.where(chosen(p_curve) > 0, random_curve(x, mask, generator), x)
    x = torch.where(chosen(p_gin) > 0, random_shallow_convolution(x, mask, generator), x)

    gamma = to(torch.exp(torch.empty(n, 1, 1, 1).uniform_(-0.5, 0.5, generator=generator)), x)
    x = x.clamp(0, 1) ** gamma
    x = x * to(torch.empty(n, 1, 1, 1).uniform_(0.8, 1.2, generator=generator), x) \
        + to(torch.empty(n, 1, 1, 1).uniform_(-0.08, 0.08, generator=generator), x) * mask
    blur = chosen(0.25)
    x = blur * F.avg_pool2d(x, 3, stride=1, padding=1, count_include_pad=False) + (1 - blur) * x
    x = x + to(torch.randn(x.shape, generator=generator) * torch.empty(n, 1, 1, 1).uniform_(0, 0.04, generator=generator), x)
    x = text_occluders(x, generator)
    return x.clamp(0, 1)
