"""Training and pre-departure orientation (OPP), a sub-domain of placement with the shape of an
app: `models.py` (courses, enrolments, attendance), `services.py` (every write), `selectors.py`
(reads and the counts by sex), `forms.py`, `views.py` and `urls.py` (in the `placement` URL
namespace). The models belong to the placement app: same app label and tables as before the
package existed; `placement/models.py` imports them so that Django registers them."""
