import pytest

from byline.stories.reading import count_words, image_seconds, reading_minutes


def test_seed_story_is_seven_minutes():
    # The founding page: 1,571 body words and one (hero) image show "7 min read".
    assert reading_minutes(words=1571, images=1) == 7


def test_it_rounds_up_and_never_shows_zero():
    assert reading_minutes(words=0) == 1
    assert reading_minutes(words=1) == 1
    assert reading_minutes(words=265) == 1
    assert reading_minutes(words=266) == 2


@pytest.mark.parametrize(
    ("images", "seconds"),
    [(0, 0), (1, 12), (2, 23), (3, 33), (10, 75), (11, 78), (13, 84)],
)
def test_images_add_decreasing_seconds(images, seconds):
    assert image_seconds(images) == seconds


def test_images_push_a_story_over_the_minute():
    # 250 words = 56.6 s; with two images (23 s) it is over a minute.
    assert reading_minutes(words=250) == 1
    assert reading_minutes(words=250, images=2) == 2


def test_cjk_text_is_counted_in_characters():
    words, cjk = count_words("東京の空は青い。Tokyo sky")
    assert (words, cjk) == (2, 7)  # the full stop 。 is not a character read
    # 1,000 CJK characters at 500 a minute = 2 minutes.
    assert reading_minutes(words=0, cjk_characters=1000) == 2
    assert reading_minutes(words=0, cjk_characters=1001) == 3


def test_korean_hangul_counts_as_cjk():
    assert count_words("안녕하세요")[1] == 5


def test_words_ignore_punctuation_and_keep_contractions():
    assert count_words("Don't stop — it's e-mail, 3.5 times; ok?!")[0] == 7
