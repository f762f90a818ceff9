"""Distinct test articles that the tagger links to KB entities."""

from __future__ import annotations

import random
from typing import Any

# Filler words for article bodies: random sequences of them share next to no 5-word
# shingles, so test articles are never near-duplicates of each other.
FILLER_TEXT = """
قال أكد أعلن المسؤول اليوم أمس الاجتماع الحكومة الوزير الاقتصاد التعاون
البلدين الطاقة الأمن المنطقة الشعب الرئيس المفاوضات الاتفاق الجديد المشروع العام
الماضي المقبل الدولي المحلي التنمية التجارة الاستثمار النفط الغاز الصحة التعليم
الزراعة المياه الطرق الموانئ السياحة الشباب المرأة الثقافة
"""
FILLER = FILLER_TEXT.split()


def article(title: str, seed: int, mention: str) -> dict[str, Any]:
    """A distinct Arabic article whose title and body name ``mention``."""
    words = random.Random(seed).choices(FILLER, k=40)
    body = f"{mention} {' '.join(words[:20])}، و{mention} {' '.join(words[20:])}."
    return {"source": "web-test", "title": title, "body": body, "url": f"http://t/{seed}"}
