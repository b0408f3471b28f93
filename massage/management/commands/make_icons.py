from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand
from PIL import Image

from massage.icons import FOLDER, draw_all, same_pixels


class Command(BaseCommand):
    help = (
        "Draw the home-screen icons (192 and 512 px, maskable, Apple's 180 px) from "
        "massage/icon_source.png into static/img/icons/. Safe to run again: a file whose "
        "pixels are already right is left as it is."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--out",
            type=Path,
            default=Path(settings.BASE_DIR) / "static" / FOLDER,
            help="The folder to write them to (default: static/img/icons/).",
        )

    def handle(self, *args, out: Path, **options):
        out.mkdir(parents=True, exist_ok=True)
        icons = draw_all()
        written = 0
        for icon, image in icons.items():
            target = out / icon.name
            if target.exists():
                with Image.open(target) as existing:
                    if same_pixels(existing, image):
                        continue
            image.save(target, optimize=True)
            written += 1
        self.stdout.write(
            self.style.SUCCESS(f"Icons: {written} written, {len(icons) - written} up to date.")
        )
