"""The keyword rules behind hocso.safety.phishing's red flags, on folded lower-case text.

Kept apart from the logic so a course author can read (and extend) the rules as a list. Folding makes
some words collide ("gặp"/"gấp" both become "gap"), so patterns use the words around them.
"""

from __future__ import annotations

import re


def _rx(*patterns: str) -> re.Pattern[str]:
    """One pattern matching any of `patterns` as whole words (also when they end in "%" or "$")."""
    return re.compile("|".join(rf"(?<!\w)(?:{p})(?!\w)" for p in patterns))


RULES: dict[str, re.Pattern[str]] = {
    "urgency": _rx(
        r"ngay lap tuc",
        r"khan( cap)?",
        r"(chuyen|can|lien he|tra loi|xu ly|nop|gui|di) (khoan |tien )?gap",
        r"gap (nhe|lam|ngay)",
        r"(inbox|dang ky|lien he|gui|nhan|bam|truy cap|xac nhan|cap nhat)( cho (toi|em|anh|chi|minh))? ngay",
        r"trong (ngay )?hom nay",
        r"ngay hom nay",
        r"trong (vong )?\d+ ?(gio|h|ngay)",
        r"truoc \d+ ?(h|gio)",
        r"sau \d+ ?(h|gio)",
        r"(han chot|cham nhat)[\w ]{0,12}(hom nay|toi nay|\d+ ?(gio|h|phut))",
        r"nhanh (len|chong)",
        r"immediately",
        r"urgent(ly)?",
        r"within \d+ (hours?|days?)",
        r"(claim|register|apply|reply|act|call|click|pay)[\w ]{0,20} (now|today)",
        r"(suspended|locked|closed|blocked) (today|tonight)",
        r"act now",
        r"right now",
        r"today only",
        r"last chance",
        r"asap",
        r"final (notice|warning)",
        r"expires? (today|tonight)",
    ),
    "threat": _rx(
        r"(se )?bi (tam )?(khoa|phong toa|dinh chi|tam giu|cat|xu ly|khoi to|bat|phat)",
        r"khoa (vinh vien )?tai khoan",
        r"phong toa",
        r"truy to",
        r"khoi to",
        r"lenh bat",
        r"bat (giu|tam giam)",
        r"rua tien",
        r"ma tuy",
        r"duong day",
        r"lien quan (den|toi) (mot )?(vu|an|duong day)",
        r"cat (sim|thue bao|lien lac)",
        r"xu phat",
        r"trieu tap",
        r"(will|may|has|have) (be|been) (locked|suspended|closed|blocked|frozen|arrested|fined)",
        r"being (locked|suspended|closed|blocked|frozen)",
        r"arrest( warrant)?",
        r"legal action",
        r"warrant",
        r"money laundering",
        r"penalt(y|ies)",
        r"suspend(ed)?",
        r"prosecut(ed|ion)",
    ),
    "money_request": _rx(
        r"chuyen (tien|khoan)[\w ,.]{0,25}(vao|den|toi|cho|qua|sang) (tai khoan|so tai khoan|tk|stk|vi|so|cho)",
        r"chuyen [\w ]{0,15}?\d[\d.,]* ?(trieu|tr|nghin|k|d|dong|vnd)",
        r"nop (phi|le phi|tien phat|tien (vao|de|qua))",
        r"dong phi",
        r"phi (thong quan|van chuyen|giao hang|ho so|xu ly|mo khoa|kich hoat|bao hiem|giai ngan|rut tien)",
        r"dat coc",
        r"nap (them )?tien",
        r"tai khoan (an toan|tam giu|chuyen dung)",
        r"thanh toan (khoan )?phi",
        r"transfer (the |your |all |your savings )?(money|funds|savings|\$?\d+)",
        r"(pay|send) (a|the|an?) [\w ,.]{0,20}fee",
        r"safe account",
        r"send (me )?money",
        r"gift cards?",
        r"wire (the )?(money|funds)",
        r"deposit (of )?\$?\d+",
        r"pay (a|the)? ?(release|customs|delivery) fee",
    ),
    "personal_data_request": _rx(
        r"(cung cap|gui|chup|nhap|xac nhan|khai bao|doc) [\w ]{0,15}(cccd|can cuoc|cmnd|so dinh danh|ma dinh danh|so tai khoan|mat khau|thong tin ca nhan|so the|ma pin|ngay sinh|sinh trac|khuon mat)",
        r"chup (2|hai) mat",
        r"quay video (khuon )?mat",
        r"dang nhap (de|va) (xac|cap nhat)",
        r"(log ?in|sign in) (with|using) (your )?(password|pin)",
        r"(provide|send|confirm|enter|verify|update) (us )?(your )?(password|card (number|details)|pin|id (card|number)|date of birth|bank (details|account)|identity|account details|login details)",
        r"(photo|picture|scan) of your (id|passport)",
    ),
    "too_good_to_be_true": _rx(
        r"viec nhe luong cao",
        r"trung thuong",
        r"trung giai",
        r"thu hoi 100 ?%",
        r"cam ket (khong lo|loi nhuan|lai)",
        r"(khoan|duoc) hoan thue",
        r"nhan qua (tang|tri an)",
        r"qua tang (tri an|mien phi)",
        r"hoa hong( cao| \d+)?",
        r"loi nhuan (cao|\d+ ?%)",
        r"lai (suat )?\d+ ?% ?(/|mot |moi )(ngay|tuan)",
        r"thu nhap (cao|tu \d+)",
        r"kiem (tien|them) (online|tai nha|\d+)",
        r"cong tac vien",
        r"lam nhiem vu",
        r"(tha tim|like) [\w ]{0,15}(nhan|duoc) \d+",
        r"you('ve| have)? won",
        r"winner",
        r"(eligible|selected) for (a|an) [\w $]{0,20}(refund|bonus|reward|prize)",
        r"prize",
        r"lottery",
        r"guaranteed (returns?|profits?)",
        r"earn \$?\d+",
        r"work from home",
        r"free (gift|iphone)",
        r"(daily|weekly) (returns?|profits?) of \d+",
        r"double your (money|investment)",
    ),
    "remote_app_install": _rx(
        r"apk",
        r"anydesk",
        r"teamviewer",
        r"ultraviewer",
        r"(phan mem|ung dung) (dieu khien|ho tro) tu xa",
        r"(tai|cai|cai dat|tai ve) [\w ]{0,25}(ung dung|app|phan mem)[\w ]{0,25}(theo|qua|tai|o) (duong )?(link|lien ket|duong dan)",
        r"(tai|cai|cai dat) [\w ]{0,20}(ung dung|app|phan mem) [\w ]{0,20}(moi|ban moi|phien ban moi) (tai|o|theo)",
        r"(download|install) [\w ]{0,25}(app|application|software)[\w ]{0,20}(from|via|using) (this|the|our) (link|site|website)",
        r"remote (access|support) app",
    ),
}
SELF_IDENTIFICATION = _rx(
    r"(toi|em|chung toi|day|ben em|ben toi) (la|ben|o|tu|thuoc) [\w ]{0,10}(can bo|nhan vien|dieu tra vien|cong an|canh sat|doi truong|thieu ta|dai uy|trung ta|thuong ta|kiem sat vien|dai dien|bo phan|phong)",
    r"(goi|lien he|lien lac) tu (cong an|co quan|ngan hang|chi cuc|cuc|vien|toa)",
    r"thay mat",
    r"this is [\w ]{0,25}(from|calling|with|at) ",
    r"(i am|i'm) (an? )?(officer|agent|representative|detective|inspector|calling)",
    r"calling (you )?from",
    r"on behalf of",
)
SPEAKER = re.compile(
    r"\b(?:la|tu|cua|ben|thay mat|thuoc|day la|toi la|em la|from|this is|of|on behalf of|calling from|with|at)\b[\w ]{0,25}$"
)
"""Words just before a brand name that make the message speak as that brand ("em là nhân viên ...")."""
SCAM_DESCRIPTION = _rx(
    r"ke gian|ke lua dao|doi tuong lua dao|gia danh|gia mao|scammers?|fraudsters?|pretend(?:ing)? to be|impersonat\w+",
)
"""A sentence that describes how scams work (in an advisory) is not itself a request."""
DONE_NOTICE = _rx(
    r"(da|duoc) [\w ]{0,20}thanh cong",
    r"(giao dich|chuyen tien|chuyen khoan|thanh toan) [\w ,.:]{0,60}thanh cong",
    r"so du( kha dung)?:? ?\d[\d.,]*",
    r"(was|has been|have been) (successful|completed|sent|paid|received)",
    r"you (received|sent|paid)",
)
"""A sentence that reports a finished transaction (a balance notice) rather than asking for money."""
SERVICE_NOTICE = _rx(
    r"(se )?duoc (giao|gui|chuyen|tra|cap|xu ly|giai quyet|hoan)",
    r"will be (delivered|sent|ready|posted)",
    r"(is|are) out for delivery",
)
"""A sentence that says what will be done *for* you ("đơn hàng sẽ được giao trong hôm nay"): a date in
it is information, not pressure, so it does not raise urgency (a deadline alone is no red flag)."""
RISKY_DOMAIN_WORDS = re.compile(
    r"xac-?thuc|cap-?nhat|hoan-?thue|nhan-?qua|qua-?tang|khoa-?tk|verify|login|secure|update|claim|winner|bonus|unlock|refund|phi-?"
)
STORE = _rx(r"app store", r"ch play", r"google play", r"appstore")
