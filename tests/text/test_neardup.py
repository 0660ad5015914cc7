"""Near-duplicate index: syndicated copies match, different stories do not, state survives restarts."""
from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from crawler.text.identity import shingles
from crawler.text.neardup import FULL_SIGNATURE_DTYPE, NearDupIndex, compact_signature

REPO = Path(__file__).resolve().parents[2]

# An agency story as Al Jazeera ran it (tests/fixtures/seed-article.txt).
AGENCY_BODY = """أعلن النظام السوري أن قواته كثفت عملياتها ضد تنظيم الدولة الإسلامية بمدينة الميادين بريف دير الزور، وسط عشرات الغارات الجوية، كما استهدفت الغارات ريفي إدلب وحماة، بينما قتل سبعة عناصر من هيئة تحرير الشام في تفجير بإدلب.

وقالت وكالة سانا الرسمية للأنباء إن قوات النظام كثفت عملياتها بمدينة الميادين جنوب شرق دير الزور، وسيطرت على قرية الطيبة، كما تقدمت من الجهة الغربية داخل الميادين، ودمرت تحصينات ومقرات لتنظيم الدولة بمواقع عدة.

من جانبها قالت مصادر محلية إن عشرات الغارات الجوية استهدفت مدن وبلدات الميادين والعشارة والقورية ومحكان بريف دير الزور الشرقي، مما تسبب في تدمير واسع في ممتلكات المدنيين.

وقال مراسل الجزيرة إن ريف إدلب الجنوبي شهد غارات جوية روسية وسورية خلال الليلة الماضية، مضيفا أن سبعة عناصر من هيئة تحرير الشام وطفلين قتلا وأصيب مدنيون آخرون بجروح إثر انفجار عبوة ناسفة في سيارة تابعة للهيئة ببلدة أرمناز.

كما استهدفت مروحيات النظام بالبراميل المتفجرة والألغام البحرية مدينة اللطامنة بريف حماة الشمالي، بينما سيطرت هيئة تحرير الشام على قرى عديدة بالريف الشرقي بعد اشتباكات مع تنظيم الدولة.

وفي ريف دمشق الغربي، قالت مصادر للجزيرة إن اشتباكات اندلعت بمنطقتي الزيات وفي ردعيا بين المعارضة المسلحة وقوات النظام، بالتزامن مع قصف بالبراميل المتفجرة والمدفعية، وأكدت المصادر أن المعارضة كبّدت قوات النظام خسائر بالعتاد والأرواح.

وقال مصدر في فصيل جيش الإسلام إنه تم التوافق على اتفاق جديد لخفض التصعيد في حي القدم جنوب دمشق، موضحا أنه ذهب إلى القاهرة لبحث الاتفاق مع الجانب الروسي عقب ارتفاع وتيرة الانتهاكات منذ عشرة أيام، وذلك بدعوة مصرية.

وفي جنوب سوريا، قال مراسل الجزيرة إن المعارضة وهيئة تحرير الشام هاجمت مواقع فصيل خالد بن الوليد الموالي لتنظيم الدولة في ريف درعا الغربي."""

# The same story on another outlet: new headline, one sentence added, tashkeel, tatweel and
# bare alefs. Signatures are taken over the body only (as the pipeline should): the title is the
# part outlets rewrite, and on a 260-word story it alone moves the Jaccard estimate by about 0.08.
SYNDICATED_BODY = (
    AGENCY_BODY.replace("أعلن النظام السوري", "أعلَنَ النِّظامُ السوري")
    .replace("إدلب", "ادلب")
    .replace("الإسلامية", "الاسلامية")
    .replace("الجزيرة", "الجـــزيرة")
    .replace(
        "ودمرت تحصينات ومقرات لتنظيم الدولة بمواقع عدة.",
        "ودمرت تحصينات ومقرات لتنظيم الدولة بمواقع عدة. وأضافت الوكالة أن وحدات الهندسة بدأت تفكيك العبوات التي زرعها التنظيم في الأحياء الغربية.",
    )
)

# A different article on the same topic (CNN Arabic, Syria clashes, 2013): shares vocabulary only.
SAME_TOPIC_BODY = """دمشق، سوريا (CNN) -- أكدت جهات سورية معارضة أن فصائل مسلحة معارضة لنظام الرئيس بشار الأسد وعلى صلة بـ"الجيش الحر" تمكنت من السيطرة على مستودعات للأسلحة بريف دمشق تضم كميات من الصواريخ ومضادات الدروع، في الوقت الذي حض فيه الائتلاف الوطني السوري المعارض الفصائل الكردية والإسلامية المتقاتلة في شمالي البلاد إلى "ضبط النفس."

وقال المرصد السوري لحقوق الإنسان، وهو هيئة معارضة مقرها لندن، إن مقاتلين من لواء الاسلام - جبهة النصرة- كتيبة التوحيد- قوات المغاوير - كتائب شهداء القلمون، وعدة كتائب أخرى، سيطروا على ثلاثة مستودعات للذخيرة بالقرب من بلدة قلدون في منطقة القلمون بريف دمشق.

وبحسب المرصد فقد اغتنم مقاتلو الكتائب المقاتلة أسلحة مضادة للدروع وصواريخ أرض- أرض (غراد) وذخائر أخرى متنوعة, كما تجددت الاشتباكات بين مقاتلين من الكتائب المقاتلة من طرف والقوات النظامية ومسلحين من اللجان الشعبية التابعة لها من الطائفة الشيعية من طرف آخر في منطقة السيدة زينب.

وفي محافظة الحسكة شمال شرقي البلاد، أفاد المرصد عن اشتباكات دارت بعد منتصف ليل الجمعة - السبت، في محيط بلدة تل حلف قرب مدينة رأس العين بين و"حدات حماية الشعب" الكردية، ومقاتلي ما يعرف بـ"الدولة الإسلامية في العراق والشام" وجبهة النصرة وبعض الكتائب المقاتلة من طرف آخر."""

# A follow-up that reuses the agency lead paragraph, then tells a different story.
FOLLOW_UP_BODY = AGENCY_BODY.split("\n\n")[0] + "\n\n" + SAME_TOPIC_BODY.split("\n\n", 1)[1]

# sha256 of the signature of AGENCY_BODY at the defaults, computed once and stored: if this
# changes, every signature in existing archives stops matching.
AGENCY_SIGNATURE_SHA256 = "299f361f1a1a20dcfecd2089bd6b8dc3fe24fe5982b7e0ef99c5c82ad2321c80"
# The same MinHash as the 32-bit signature archives of schema <= 5 stored (before b-bit signatures).
AGENCY_FULL_SIGNATURE_SHA256 = "1d5806d7ea263abfe810189f18c0016de60aa16d7c56004211a08310f3bbb471"


@pytest.fixture()
def index() -> NearDupIndex:
    return NearDupIndex()


def test_syndicated_copy_is_a_near_duplicate(index: NearDupIndex) -> None:
    original = index.signature(AGENCY_BODY)
    index.add(1, original)
    copy = index.signature(SYNDICATED_BODY)
    assert copy != original
    assert index.query(copy) == [1]


def test_different_article_on_same_topic_is_not(index: NearDupIndex) -> None:
    index.add(1, index.signature(AGENCY_BODY))
    assert index.query(index.signature(SAME_TOPIC_BODY)) == []
    assert index.query(index.signature(FOLLOW_UP_BODY)) == []


def test_query_verifies_candidates_against_the_threshold() -> None:
    strict = NearDupIndex(threshold=0.99)
    strict.add(1, strict.signature(AGENCY_BODY))
    assert strict.query(strict.signature(SYNDICATED_BODY)) == []
    assert strict.query(strict.signature(AGENCY_BODY)) == [1]


def test_signature_is_compact_bytes_that_round_trip(index: NearDupIndex) -> None:
    signature = index.signature(AGENCY_BODY)
    assert isinstance(signature, bytes) and len(signature) == 128 * 2
    stored = memoryview(bytearray(signature))  # what a SQLite BLOB column may hand back
    fresh = NearDupIndex()
    fresh.load([(7, stored)])
    assert fresh.query(signature) == [7]
    assert fresh.query(memoryview(signature)) == [7]
    assert fresh.signature(AGENCY_BODY) == signature


def test_signature_is_stable_across_processes_and_versions(index: NearDupIndex) -> None:
    assert hashlib.sha256(index.signature(AGENCY_BODY)).hexdigest() == AGENCY_SIGNATURE_SHA256
    code = (
        "import sys, hashlib; from crawler.text.neardup import FULL_SIGNATURE_DTYPE, NearDupIndex, compact_signature; "
        "print(hashlib.sha256(NearDupIndex().signature(sys.stdin.read())).hexdigest())"
    )
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    result = subprocess.run(
        [sys.executable, "-c", code], input=AGENCY_BODY, capture_output=True, text=True, cwd=REPO, env=env, check=True
    )
    assert result.stdout.strip() == AGENCY_SIGNATURE_SHA256


def test_a_stored_32_bit_signature_converts_to_the_16_bit_one(index: NearDupIndex) -> None:
    minhash = index._new_minhash()
    minhash.update_batch([s.encode("utf-8") for s in shingles(AGENCY_BODY, index.shingle_size)])
    full = minhash.hashvalues.astype(FULL_SIGNATURE_DTYPE).tobytes()
    assert hashlib.sha256(full).hexdigest() == AGENCY_FULL_SIGNATURE_SHA256  # what schema-5 archives hold
    assert compact_signature(full) == index.signature(AGENCY_BODY)
    assert compact_signature(memoryview(full)) == index.signature(AGENCY_BODY)


def test_16_bit_values_estimate_the_similarity_of_the_32_bit_ones(index: NearDupIndex) -> None:
    """Chance agreements of low 16 bits are rare: the estimate is that of the full minima."""
    def full(body: str) -> "np.ndarray":
        minhash = index._new_minhash()
        minhash.update_batch([s.encode("utf-8") for s in shingles(body, index.shingle_size)])
        return minhash.hashvalues
    bodies = [AGENCY_BODY, SYNDICATED_BODY, SAME_TOPIC_BODY, FOLLOW_UP_BODY]
    for first in bodies:
        for second in bodies:
            exact = float(np.count_nonzero(full(first) == full(second))) / index.num_perm
            assert index.similarity(index.signature(first), index.signature(second)) == exact


def test_load_rebuilds_an_index_that_answers_the_same_queries() -> None:
    bodies = {1: AGENCY_BODY, 2: SAME_TOPIC_BODY, 3: FOLLOW_UP_BODY}
    live = NearDupIndex()
    stored = []
    for key, body in bodies.items():
        signature = live.signature(body)
        live.add(key, signature)
        stored.append((key, signature))
    rebuilt = NearDupIndex()
    rebuilt.load(stored)
    assert len(rebuilt) == len(live) == 3
    probes = [SYNDICATED_BODY, SAME_TOPIC_BODY, FOLLOW_UP_BODY, "نص قصير لا علاقة له بأي شيء هنا"]
    for probe in probes:
        assert rebuilt.query(rebuilt.signature(probe)) == live.query(live.signature(probe))
    assert rebuilt.query(rebuilt.signature(SYNDICATED_BODY)) == [1]


def test_empty_texts_are_not_duplicates_of_each_other(index: NearDupIndex) -> None:
    index.add(1, index.signature(""))
    assert index.query(index.signature("  ، . ")) == []
    assert len(index) == 1


def test_adding_a_key_again_replaces_its_signature(index: NearDupIndex) -> None:
    index.add(1, index.signature(AGENCY_BODY))
    index.add(2, index.signature(SYNDICATED_BODY))  # shares band values with key 1
    index.add(1, index.signature(SAME_TOPIC_BODY))  # a new version of article 1
    assert len(index) == 2
    assert index.query(index.signature(AGENCY_BODY)) == [2]
    assert index.query(index.signature(SAME_TOPIC_BODY)) == [1]
    index.add(2, index.signature(FOLLOW_UP_BODY))
    assert index.query(index.signature(AGENCY_BODY)) == []


def test_bad_input_is_rejected(index: NearDupIndex) -> None:
    signature = index.signature(AGENCY_BODY)
    with pytest.raises(ValueError):
        index.load([(2, signature[:-2])])
    with pytest.raises(ValueError):
        index.add(3, signature + signature)  # a 32-bit signature must be converted first
    with pytest.raises(ValueError):
        index.query(b"short")


def test_shingles_fold_spelling_variants() -> None:
    assert shingles("أعلَنَ النِّظامُ السوري في إدلب", size=2) == shingles("اعلن النظام السوري في ادلب", size=2)


def test_band_layouts_kept_as_data_are_datasketchs():
    from datasketch.lsh import _optimal_param

    from crawler.text.neardup import known_band_layouts

    layouts = known_band_layouts()
    assert (0.8, 128) in layouts  # the crawl's default threshold
    for (threshold, num_perm), layout in layouts.items():
        assert layout == _optimal_param(threshold, num_perm, 0.5, 0.5), (threshold, num_perm)


def test_signatures_equal_fresh_datasketch_minhashes():
    """The index reuses datasketch's permutations across signatures and knows the empty signature
    without datasketch: both must give exactly what a fresh MinHash gives."""
    from datasketch import MinHash

    from crawler.text.neardup import MINHASH_SCHEME, MINHASH_SEED, minhash_signature

    index = NearDupIndex()
    for text in (AGENCY_BODY, SYNDICATED_BODY, "", SAME_TOPIC_BODY):
        fresh = MinHash(num_perm=128, seed=MINHASH_SEED, scheme=MINHASH_SCHEME)
        fresh.update_batch([s.encode("utf-8") for s in shingles(text, 5)])
        assert index.signature(text) == minhash_signature(fresh)
    assert index.signature("") == index._empty


def test_indexing_and_querying_do_not_import_datasketch():
    """The crawl process only loads, adds and queries signatures the workers computed: it must not pay
    datasketch's import (scipy, ~1.2 s of CPU)."""
    signature = NearDupIndex().signature(AGENCY_BODY).hex()
    code = (
        "import sys; from crawler.text.neardup import NearDupIndex; index = NearDupIndex(threshold=0.8); "
        f"s = bytes.fromhex('{signature}'); index.load([(1, s)]); index.add(2, s); "
        "assert index.query(s) == [1, 2]; print('datasketch' in sys.modules, 'scipy' in sys.modules)"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "False"]
