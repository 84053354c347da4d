"""An article as a publisher's web page: navigation, shop links and a footer around
the text and its reference list. Constructed for the tests, not recorded from a site."""

PAGE = """<!doctype html><html><head><title>Back pain relief</title></head><body>
<nav><a href="/">Home</a> | <a href="/shop">Shop our massagers</a> | <a href="/cart">Cart</a></nav>
<article><h1>Trigger points and back pain</h1>
<p>Trigger point injection relieved neck and shoulder pain in a controlled trial (Hong, 1994).</p>
<p>Needling therapies for myofascial pain were reviewed systematically (Cummings &amp; White, 2001).</p>
<h2>References</h2>
<ol>
<li>Hong, C. Z. (1994). Lidocaine injection versus dry needling to myofascial trigger point.
American Journal of Physical Medicine &amp; Rehabilitation, 73(4), 256-263.
https://doi.org/10.1097/00002060-199407000-00006</li>
<li>Cummings, T. M., &amp; White, A. R. (2001). Needling therapies in the management of myofascial
trigger point pain: a systematic review. Archives of Physical Medicine and Rehabilitation, 82(7),
986-992.</li>
</ol></article>
<footer>Free shipping on orders over $50. <a href="/privacy">Privacy policy</a></footer>
</body></html>
"""
