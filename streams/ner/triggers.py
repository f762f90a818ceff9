"""Trigger words: nouns and titles that announce a name of a given class.

الرئيس or وزير precede a person, وزارة or شركة begin an organisation's name,
مدينة or جزيرة precede a place. The lists are data for two consumers that
must agree: the CRF features (is this token, or its neighbour, a trigger of
class X) and the cluster builder (how often a word follows a trigger of
class X in unlabeled news, a name-likeness score learned from the corpus).
They are compared by bare matching form (see :func:`triggers_of`).
"""

from __future__ import annotations

from functools import cache

from streams.ner.clitics import bare_candidates
from streams.text.normalize import matching_form

_TRIGGERS = {
    "PER": """
        الرئيس رئيس الملك ملك الأمير أمير الأميرة الشيخ الشيخة الدكتور الدكتورة د السيد
        السيدة الوزير وزير وزيرة نائب المتحدث الناطق اللاعب المدرب الفنان الفنانة الكاتب
        الكاتبة الشاعر العالم الفيلسوف الطبيب الخليفة السلطان الإمام القائد الجنرال العقيد
        اللواء العميد المهندس الأستاذ البروفيسور الأمين المبعوث السفير الحاكم المستشار
        الباحث المؤرخ الرسام المخرج الممثل الممثلة المغني المطرب القاضي المحامي المواطن
        الزميل الراحل الشهيد الفقيد المفتي العلامة الداعية النجم الحارس المهاجم الكابتن
        البطل بن ابن بنت أبو أبي أم آل السير مستر
    """,
    "ORG": """
        وزارة شركة جامعة منظمة هيئة مجلس حزب وكالة نادي بنك مصرف مؤسسة جمعية اتحاد لجنة
        مركز معهد صندوق حركة جماعة تنظيم مجموعة صحيفة جريدة مجلة قناة إذاعة مستشفى محكمة
        أكاديمية كلية برنامج إدارة مديرية منتخب فريق رابطة نقابة غرفة بورصة سوق مصنع
        مختبر دار مكتب مجمع مدرسة جيش قوات شرطة الأمم
    """,
    "LOC": """
        مدينة دولة محافظة منطقة عاصمة جزيرة جزر نهر جبل جبال بحر قرية ولاية إقليم بلاد
        مملكة جمهورية إمارة شمال جنوب شرق غرب وسط حي شارع ميناء مطار بحيرة خليج صحراء
        قارة سهل وادي مسجد جامع قصر قلعة مقاطعة بلدة مخيم حدود ضواحي شمالي جنوبي شرقي غربي
    """,
}


@cache
def trigger_forms() -> dict[str, frozenset[str]]:
    """Matching forms of the triggers, by class."""
    return {
        kind: frozenset(matching_form(w) for w in words.split())
        for kind, words in _TRIGGERS.items()
    }


@cache
def _any_trigger() -> frozenset[str]:
    """Matching forms of every trigger, whatever its class."""
    return frozenset().union(*trigger_forms().values())


def triggers_of(form: str) -> list[str]:
    """Classes ``form`` (a matching form, maybe with proclitics) is a trigger of.

    Asked for every new word type's features, and almost no word is a
    trigger: one set test of its candidates rules most out before the test
    per class."""
    candidates = bare_candidates(form)
    if _any_trigger().isdisjoint(candidates):
        return []
    return [kind for kind, forms in trigger_forms().items() if any(c in forms for c in candidates)]
