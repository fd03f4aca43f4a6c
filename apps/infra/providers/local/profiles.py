"""Instance types of the local provider: profiles cut from this machine's CPUs and memory."""

import platform

import psutil

from apps.infra.providers.base import InstanceType

_MIB = 1024 * 1024


def _architecture() -> str:
    return "arm64" if platform.machine().lower() in ("arm64", "aarch64") else "x86_64"


def instance_types() -> list[InstanceType]:
    """`local.<n>cpu` for n = 1, 2, 4, ... up to every CPU, with memory in the same share of the machine's."""
    cpus = psutil.cpu_count() or 1
    memory_mib = psutil.virtual_memory().total // _MIB
    sizes = sorted({1, cpus, *(2**i for i in range(1, 12) if 2**i < cpus)})
    return [
        InstanceType(
            id=f"local.{size}cpu",
            vcpus=size,
            memory_mib=memory_mib * size // cpus,
            architecture=_architecture(),
            family="local",
            group="general",
        )
        for size in sizes
    ]


def by_id() -> dict[str, InstanceType]:
    return {each.id: each for each in instance_types()}
