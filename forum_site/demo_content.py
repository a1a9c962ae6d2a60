"""Demo content for the online forum "New Belarus against Torture".

Pure data, written from the organisers' announcement of the forum (held on
24 June 2021 within the "Week against Torture"). Every translatable text is a
dict with the keys "en", "ru" and "be"; paragraphs are separated by a blank
line ("\\n\\n"). Times are local to the event's time zone (Europe/Minsk).
Speakers are described by their role only: no personal names are given.
A speaker's "affiliation" is either the name of one of the organisations
below (a dict like any other text) or the empty string "" when there is none.
"""

EVENT = {
    "slug": "new-belarus-against-torture",
    "title": {
        "en": "New Belarus against Torture",
        "ru": "Новая Беларусь против пыток",
        "be": "Новая Беларусь супраць катаванняў",
    },
    "tagline": {
        "en": "An online forum within the “Week against Torture”: survivors, human rights defenders and international experts on ending torture in Belarus.",
        "ru": "Онлайн-форум в рамках «Недели против пыток»: пострадавшие, правозащитники и международные эксперты — о том, как покончить с пытками в Беларуси.",
        "be": "Анлайн-форум у межах «Тыдня супраць катаванняў»: пацярпелыя, праваабаронцы і міжнародныя эксперты — пра тое, як пакласці канец катаванням у Беларусі.",
    },
    "description": {
        "en": (
            "The forum is part of the “Week against Torture”, a series of events organised by the initiative "
            "“Human Rights Defenders against Torture” and the International Committee for the Investigation of "
            "Torture in Belarus. The online forum “New Belarus against Torture” is hosted by Belarusians Abroad "
            "and the Belarusian People's Embassies, with the support of the National Anti-Crisis Management."
            "\n\n"
            "After 9 August 2020 the regime, disregarding all international treaties and national legislation, "
            "has deliberately pursued a policy of mass torture and contempt for fundamental human rights and "
            "freedoms. In just three days, from 9 to 12 August, more than 7,000 peaceful protesters were "
            "detained — and that is according to official figures alone."
            "\n\n"
            "Human rights organisations note that almost every detainee reports disproportionate use of force by "
            "law-enforcement officers, torture, and the failure to inform relatives and lawyers of where they "
            "were being held."
            "\n\n"
            "In the New Belarus of the 21st century there must be no place for torture and inhuman cruelty. "
            "Take part in building a New Belarus without torture."
        ),
        "ru": (
            "Форум проходит в рамках «Недели против пыток» — цикла мероприятий, организованного инициативой "
            "«Правозащитники против пыток» и Международным комитетом по расследованию пыток в Беларуси. "
            "Онлайн-форум «Новая Беларусь против пыток» проводят «Белорусы за рубежом» и Народные посольства "
            "Беларуси при поддержке Народного антикризисного управления."
            "\n\n"
            "После 9 августа 2020 года режим, игнорируя все международные договоры и национальное "
            "законодательство, целенаправленно проводит политику массовых пыток и пренебрежения основными "
            "правами и свободами человека. За три дня, с 9 по 12 августа, только по официальным данным были "
            "задержаны более 7000 мирных протестующих."
            "\n\n"
            "Правозащитные организации отмечают, что практически каждый задержанный сообщает о несоразмерном "
            "применении силы сотрудниками правоохранительных органов, о пытках, а также о том, что ни "
            "родственникам, ни адвокатам не сообщали, где он находится."
            "\n\n"
            "В Новой Беларуси XXI века не должно быть места пыткам и бесчеловечной жестокости. Примите участие "
            "в построении Новой Беларуси без пыток."
        ),
        "be": (
            "Форум праходзіць у межах «Тыдня супраць катаванняў» — цыкла мерапрыемстваў, які арганізуюць "
            "ініцыятыва «Праваабаронцы супраць катаванняў» і Міжнародны камітэт па расследаванні катаванняў "
            "у Беларусі. Анлайн-форум «Новая Беларусь супраць катаванняў» праводзяць «Беларусы за мяжой» і "
            "Народныя пасольствы Беларусі пры падтрымцы Народнага антыкрызіснага ўпраўлення."
            "\n\n"
            "Пасля 9 жніўня 2020 года рэжым, ігнаруючы ўсе міжнародныя дамовы і нацыянальнае заканадаўства, "
            "мэтанакіравана праводзіць палітыку масавых катаванняў і пагарды да асноўных правоў і свабод "
            "чалавека. За тры дні, з 9 па 12 жніўня, толькі паводле афіцыйных звестак было затрымана больш "
            "за 7000 мірных удзельнікаў пратэстаў."
            "\n\n"
            "Праваабарончыя арганізацыі адзначаюць, што амаль кожны затрыманы паведамляе пра непрапарцыйнае "
            "ўжыванне сілы з боку супрацоўнікаў праваахоўных органаў, пра катаванні, а таксама пра тое, што ні "
            "сваякам, ні адвакатам не паведамлялі, дзе ён знаходзіцца."
            "\n\n"
            "У Новай Беларусі XXI стагоддзя не павінна быць месца катаванням і бесчалавечнай жорсткасці. "
            "Вазьміце ўдзел у будаванні Новай Беларусі без катаванняў."
        ),
    },
    "goals": {
        "en": (
            "The Forum will give voice to the stories of people who survived the system of torture and inhuman "
            "treatment created by the regime of the Belarusian dictator Lukashenko."
            "\n\n"
            "Belarusian and international human rights defenders and whistle-blowers will talk about their own "
            "journeys: how they record and document cases of torture in Belarusian prisons and detention "
            "centres, how they help victims of torture in their fight for life, and what pressure they have to "
            "overcome in carrying out their mission."
            "\n\n"
            "Officials of law-enforcement agencies of Western democracies and of international organisations "
            "will speak about the international system for prosecuting those responsible for crimes against "
            "humanity."
            "\n\n"
            "Participants of the Forum will be invited to sign the Declaration. It is addressed to all who care "
            "about the fate of the victims of torture and inhuman treatment by the Belarusian terrorist regime "
            "and who are ready to take part in the programme of prosecuting all those responsible for crimes "
            "against humanity in Belarus."
        ),
        "ru": (
            "На форуме прозвучат истории людей, переживших систему пыток и бесчеловечного обращения, созданную "
            "режимом белорусского диктатора Лукашенко."
            "\n\n"
            "Белорусские и международные правозащитники, а также люди, решившиеся разоблачить злоупотребления "
            "изнутри системы, расскажут о своём пути: как они фиксируют и документируют случаи пыток в "
            "белорусских тюрьмах и изоляторах, как помогают пострадавшим от пыток в их борьбе за жизнь и какое "
            "давление им приходится преодолевать, выполняя свою миссию."
            "\n\n"
            "Представители правоохранительных органов западных демократий и международных организаций "
            "расскажут о международной системе уголовного преследования лиц, виновных в преступлениях против "
            "человечности."
            "\n\n"
            "Участникам форума будет предложено подписать Декларацию. Она обращена ко всем, кому не безразлична "
            "судьба жертв пыток и бесчеловечного обращения со стороны белорусского террористического режима и "
            "кто готов участвовать в программе привлечения к ответственности всех виновных в преступлениях "
            "против человечности в Беларуси."
        ),
        "be": (
            "На форуме прагучаць гісторыі людзей, якія перажылі сістэму катаванняў і бесчалавечнага "
            "абыходжання, створаную рэжымам беларускага дыктатара Лукашэнкі."
            "\n\n"
            "Беларускія і міжнародныя праваабаронцы, а таксама людзі, якія наважыліся выкрыць злоўжыванні "
            "знутры сістэмы, раскажуць пра свой шлях: як яны фіксуюць і дакументуюць выпадкі катаванняў "
            "у беларускіх турмах і ізалятарах, як дапамагаюць ахвярам катаванняў у іх барацьбе за жыццё і які "
            "ціск ім даводзіцца пераадольваць, выконваючы сваю місію."
            "\n\n"
            "Прадстаўнікі праваахоўных органаў заходніх дэмакратый і міжнародных арганізацый раскажуць пра "
            "міжнародную сістэму крымінальнага пераследу асоб, вінаватых у злачынствах супраць чалавечнасці."
            "\n\n"
            "Удзельнікам форуму прапануюць падпісаць Дэкларацыю. Яна звернутая да ўсіх, каму не абыякавы лёс "
            "ахвяр катаванняў і бесчалавечнага абыходжання з боку беларускага тэрарыстычнага рэжыму і хто "
            "гатовы ўдзельнічаць у праграме прыцягнення да адказнасці ўсіх вінаватых у злачынствах супраць "
            "чалавечнасці ў Беларусі."
        ),
    },
    "participants": {
        "en": (
            "The Forum brings together human rights activists, representatives of the Belarusian democratic "
            "movement, politicians and officials of international organisations."
        ),
        "ru": (
            "В форуме участвуют правозащитники, представители белорусского демократического движения, "
            "политики и официальные лица международных организаций."
        ),
        "be": (
            "У форуме ўдзельнічаюць праваабаронцы, прадстаўнікі беларускага дэмакратычнага руху, палітыкі "
            "і афіцыйныя асобы міжнародных арганізацый."
        ),
    },
    "languages_note": {
        "en": "Russian and English on Zoom (with interpretation); the original language live on the YouTube channel “Belarusians Abroad”.",
        "ru": "Русский и английский языки в Zoom (с переводом); язык оригинала — в прямой трансляции на YouTube-канале «Belarusians Abroad».",
        "be": "Руская і англійская мовы ў Zoom (з перакладам); мова арыгінала — у прамой трансляцыі на YouTube-канале «Belarusians Abroad».",
    },
    "start_local": "2021-06-24 16:00",
    "end_local": "2021-06-24 19:00",
    "timezone": "Europe/Minsk",
}

# The public ways to follow the forum. The stream's address is announced on the day: empty until then.
CHANNELS = [
    {"language": "original", "name": "YouTube: Belarusians Abroad", "url": ""},
]

ORGANISATIONS = [
    {
        "key": "hrd-against-torture",
        "role": "organiser",
        "name": {
            "en": "Human Rights Defenders against Torture",
            "ru": "Правозащитники против пыток",
            "be": "Праваабаронцы супраць катаванняў",
        },
    },
    {
        "key": "icit-belarus",
        "role": "organiser",
        "name": {
            "en": "International Committee for the Investigation of Torture in Belarus",
            "ru": "Международный комитет по расследованию пыток в Беларуси",
            "be": "Міжнародны камітэт па расследаванні катаванняў у Беларусі",
        },
    },
    {
        "key": "belarusians-abroad",
        "role": "organiser",
        "name": {
            "en": "Belarusians Abroad",
            "ru": "Белорусы за рубежом",
            "be": "Беларусы за мяжой",
        },
    },
    {
        "key": "peoples-embassies",
        "role": "organiser",
        "name": {
            "en": "Belarusian People's Embassies",
            "ru": "Народные посольства Беларуси",
            "be": "Народныя пасольствы Беларусі",
        },
    },
    {
        "key": "nam",
        "role": "supporter",
        "name": {
            "en": "National Anti-Crisis Management",
            "ru": "Народное антикризисное управление",
            "be": "Народнае антыкрызіснае ўпраўленне",
        },
    },
]

SPEAKERS = [
    {
        "key": "moderator",
        "name": {
            "en": "Forum moderator",
            "ru": "Модератор форума",
            "be": "Мадэратар форуму",
        },
        "affiliation": "",
        "bio": {
            "en": "Opens the Forum, introduces the speakers and guides the discussion from one session to the next.",
            "ru": "Открывает форум, представляет выступающих и ведёт дискуссию на протяжении всех сессий.",
            "be": "Адкрывае форум, прадстаўляе выступоўцаў і вядзе дыскусію на працягу ўсіх сесій.",
        },
    },
    {
        "key": "survivor",
        "name": {
            "en": "A survivor of the Okrestina detention centre",
            "ru": "Человек, прошедший через изолятор на Окрестина",
            "be": "Чалавек, які прайшоў праз ізалятар на Акрэсціна",
        },
        "affiliation": "",
        "bio": {
            "en": (
                "Will speak about what they went through in the detention centre on Okrestina Street in Minsk "
                "after 9 August 2020: torture and inhuman treatment."
            ),
            "ru": (
                "Расскажет о том, что пришлось пережить в изоляторе на улице Окрестина в Минске после "
                "9 августа 2020 года: о пытках и бесчеловечном обращении."
            ),
            "be": (
                "Раскажа пра тое, што давялося перажыць у ізалятары на вуліцы Акрэсціна ў Мінску пасля "
                "9 жніўня 2020 года: пра катаванні і бесчалавечнае абыходжанне."
            ),
        },
    },
    {
        "key": "hrd",
        "name": {
            "en": "A human rights defender documenting torture cases",
            "ru": "Правозащитник, документирующий случаи пыток",
            "be": "Праваабаронца, які дакументуе выпадкі катаванняў",
        },
        "affiliation": {
            "en": "Human Rights Defenders against Torture",
            "ru": "Правозащитники против пыток",
            "be": "Праваабаронцы супраць катаванняў",
        },
        "bio": {
            "en": (
                "Records and documents cases of torture in Belarusian prisons and detention centres and helps "
                "victims; will speak about this work and about the pressure human rights defenders face."
            ),
            "ru": (
                "Фиксирует и документирует случаи пыток в белорусских тюрьмах и изоляторах и помогает "
                "пострадавшим; расскажет об этой работе и о давлении, которому подвергаются правозащитники."
            ),
            "be": (
                "Фіксуе і дакументуе выпадкі катаванняў у беларускіх турмах і ізалятарах і дапамагае "
                "пацярпелым; раскажа пра гэтую працу і пра ціск, які даводзіцца вытрымліваць праваабаронцам."
            ),
        },
    },
    {
        "key": "icit",
        "name": {
            "en": "A representative of the International Committee for the Investigation of Torture in Belarus",
            "ru": "Представитель Международного комитета по расследованию пыток в Беларуси",
            "be": "Прадстаўнік Міжнароднага камітэта па расследаванні катаванняў у Беларусі",
        },
        "affiliation": {
            "en": "International Committee for the Investigation of Torture in Belarus",
            "ru": "Международный комитет по расследованию пыток в Беларуси",
            "be": "Міжнародны камітэт па расследаванні катаванняў у Беларусі",
        },
        "bio": {
            "en": (
                "Will speak about how evidence of torture in Belarus is gathered and preserved so that it can "
                "be used in future investigations and prosecutions."
            ),
            "ru": (
                "Расскажет о том, как собираются и сохраняются доказательства пыток в Беларуси, чтобы их можно "
                "было использовать в будущих расследованиях и судебных процессах."
            ),
            "be": (
                "Раскажа пра тое, як збіраюцца і захоўваюцца доказы катаванняў у Беларусі, каб іх можна было "
                "выкарыстаць у будучых расследаваннях і судовых працэсах."
            ),
        },
    },
    {
        "key": "whistleblower",
        "name": {
            "en": "A former law-enforcement officer (whistle-blower)",
            "ru": "Бывший сотрудник правоохранительных органов, решившийся на разоблачение",
            "be": "Былы супрацоўнік праваахоўных органаў, які наважыўся на выкрыццё",
        },
        "affiliation": "",
        "bio": {
            "en": (
                "Will speak about what they witnessed inside the system after 9 August 2020 and about the "
                "price of breaking the silence."
            ),
            "ru": (
                "Расскажет о том, что видел изнутри системы после 9 августа 2020 года, и о цене, которую "
                "приходится платить за то, чтобы нарушить молчание."
            ),
            "be": (
                "Раскажа пра тое, што бачыў знутры сістэмы пасля 9 жніўня 2020 года, і пра цану, якую "
                "даводзіцца плаціць за парушэнне маўчання."
            ),
        },
    },
    {
        "key": "intl-org",
        "name": {
            "en": "A representative of an international organisation",
            "ru": "Представитель международной организации",
            "be": "Прадстаўнік міжнароднай арганізацыі",
        },
        "affiliation": "",
        "bio": {
            "en": (
                "Will speak about how international organisations respond to torture in Belarus and how they "
                "work with national authorities to prosecute crimes against humanity."
            ),
            "ru": (
                "Расскажет о том, как международные организации реагируют на пытки в Беларуси и как они "
                "взаимодействуют с национальными органами в преследовании преступлений против человечности."
            ),
            "be": (
                "Раскажа пра тое, як міжнародныя арганізацыі рэагуюць на катаванні ў Беларусі і як яны "
                "ўзаемадзейнічаюць з нацыянальнымі органамі ў пераследзе злачынстваў супраць чалавечнасці."
            ),
        },
    },
    {
        "key": "law-expert",
        "name": {
            "en": "An international criminal-law expert",
            "ru": "Эксперт в области международного уголовного права",
            "be": "Эксперт у галіне міжнароднага крымінальнага права",
        },
        "affiliation": "",
        "bio": {
            "en": (
                "Will explain how crimes against humanity are investigated and prosecuted under international "
                "law and under universal jurisdiction in national courts, and what this means for those "
                "responsible for torture in Belarus."
            ),
            "ru": (
                "Объяснит, как расследуются и преследуются преступления против человечности в соответствии "
                "с международным правом и по принципу универсальной юрисдикции в национальных судах и что это "
                "означает для виновных в пытках в Беларуси."
            ),
            "be": (
                "Растлумачыць, як расследуюцца і пераследуюцца злачынствы супраць чалавечнасці паводле "
                "міжнароднага права і на падставе прынцыпу ўніверсальнай юрысдыкцыі ў нацыянальных судах і што "
                "гэта азначае для вінаватых у катаваннях у Беларусі."
            ),
        },
    },
    {
        "key": "embassies",
        "name": {
            "en": "A representative of the Belarusian People's Embassies",
            "ru": "Представитель Народных посольств Беларуси",
            "be": "Прадстаўнік Народных пасольстваў Беларусі",
        },
        "affiliation": {
            "en": "Belarusian People's Embassies",
            "ru": "Народные посольства Беларуси",
            "be": "Народныя пасольствы Беларусі",
        },
        "bio": {
            "en": (
                "Will present the Declaration and explain how everyone who is ready can support the "
                "prosecution of those responsible for crimes against humanity in Belarus."
            ),
            "ru": (
                "Представит Декларацию и расскажет, как каждый, кто готов, может поддержать привлечение "
                "к ответственности виновных в преступлениях против человечности в Беларуси."
            ),
            "be": (
                "Прадставіць Дэкларацыю і раскажа, як кожны, хто гатовы, можа падтрымаць прыцягненне "
                "да адказнасці вінаватых у злачынствах супраць чалавечнасці ў Беларусі."
            ),
        },
    },
]

SESSIONS = [
    {
        "key": "opening",
        "start_local": "2021-06-24 16:00",
        "end_local": "2021-06-24 16:15",
        "language": "ru",
        "title": {
            "en": "Opening of the Forum",
            "ru": "Открытие форума",
            "be": "Адкрыццё форуму",
        },
        "description": {
            "en": (
                "The moderator opens the Forum, recalls the events that followed 9 August 2020 and presents "
                "the programme and the speakers."
            ),
            "ru": (
                "Модератор открывает форум, напоминает о событиях после 9 августа 2020 года и представляет "
                "программу и выступающих."
            ),
            "be": (
                "Мадэратар адкрывае форум, нагадвае пра падзеі пасля 9 жніўня 2020 года і прадстаўляе "
                "праграму і выступоўцаў."
            ),
        },
        "speakers": ["moderator"],
    },
    {
        "key": "testimonies",
        "start_local": "2021-06-24 16:15",
        "end_local": "2021-06-24 16:50",
        "language": "multi",
        "title": {
            "en": "Survivors' voices: testimonies of torture and inhuman treatment",
            "ru": "Голоса выживших: свидетельства о пытках и бесчеловечном обращении",
            "be": "Галасы тых, хто выжыў: сведчанні пра катаванні і бесчалавечнае абыходжанне",
        },
        "description": {
            "en": (
                "People who survived the system of torture and inhuman treatment created by the regime tell "
                "their own stories. Each testimony is given in the speaker's own language."
            ),
            "ru": (
                "Люди, прошедшие через систему пыток и бесчеловечного обращения, созданную режимом, "
                "рассказывают свои истории. Каждое свидетельство звучит на языке выступающего."
            ),
            "be": (
                "Людзі, якія прайшлі праз сістэму катаванняў і бесчалавечнага абыходжання, створаную рэжымам, "
                "распавядаюць свае гісторыі. Кожнае сведчанне гучыць на мове выступоўца."
            ),
        },
        "speakers": ["moderator", "survivor"],
    },
    {
        "key": "documenting",
        "start_local": "2021-06-24 16:50",
        "end_local": "2021-06-24 17:35",
        "language": "multi",
        "title": {
            "en": "Documenting torture and helping victims",
            "ru": "Документирование пыток и помощь пострадавшим",
            "be": "Дакументаванне катаванняў і дапамога пацярпелым",
        },
        "description": {
            "en": (
                "Belarusian and international human rights defenders explain how they record and document "
                "cases of torture in Belarusian prisons and detention centres, how they help victims in their "
                "fight for life, and what pressure they have to overcome in doing this work."
            ),
            "ru": (
                "Белорусские и международные правозащитники рассказывают, как они фиксируют и документируют "
                "случаи пыток в белорусских тюрьмах и изоляторах, как помогают пострадавшим в их борьбе "
                "за жизнь и какое давление им приходится преодолевать в этой работе."
            ),
            "be": (
                "Беларускія і міжнародныя праваабаронцы распавядаюць, як яны фіксуюць і дакументуюць выпадкі "
                "катаванняў у беларускіх турмах і ізалятарах, як дапамагаюць пацярпелым у іх барацьбе за жыццё "
                "і які ціск ім даводзіцца пераадольваць у гэтай працы."
            ),
        },
        "speakers": ["moderator", "hrd", "icit"],
    },
    {
        "key": "whistleblowers",
        "start_local": "2021-06-24 17:35",
        "end_local": "2021-06-24 18:05",
        "language": "ru",
        "title": {
            "en": "Breaking the silence: whistle-blowers speak",
            "ru": "Нарушить молчание: свидетельства изнутри системы",
            "be": "Парушыць маўчанне: сведчанні знутры сістэмы",
        },
        "description": {
            "en": (
                "A former law-enforcement officer who chose to speak out describes the system from within and "
                "the price of breaking the silence."
            ),
            "ru": (
                "Бывший сотрудник правоохранительных органов, решившийся заговорить, рассказывает о системе "
                "изнутри и о цене, которую приходится платить за то, чтобы нарушить молчание."
            ),
            "be": (
                "Былы супрацоўнік праваахоўных органаў, які наважыўся загаварыць, распавядае пра сістэму знутры "
                "і пра цану, якую даводзіцца плаціць за парушэнне маўчання."
            ),
        },
        "speakers": ["moderator", "whistleblower"],
    },
    {
        "key": "international-justice",
        "start_local": "2021-06-24 18:05",
        "end_local": "2021-06-24 18:45",
        "language": "en",
        "title": {
            "en": "The international system of prosecuting crimes against humanity",
            "ru": "Международная система преследования за преступления против человечности",
            "be": "Міжнародная сістэма пераследу за злачынствы супраць чалавечнасці",
        },
        "description": {
            "en": (
                "Officials of law-enforcement agencies of Western democracies and of international "
                "organisations speak about how those responsible for crimes against humanity are brought to "
                "justice and what this means for Belarus. The session is held in English."
            ),
            "ru": (
                "Представители правоохранительных органов западных демократий и международных организаций "
                "рассказывают о том, как виновных в преступлениях против человечности привлекают "
                "к ответственности и что это означает для Беларуси. Сессия проходит на английском языке."
            ),
            "be": (
                "Прадстаўнікі праваахоўных органаў заходніх дэмакратый і міжнародных арганізацый распавядаюць "
                "пра тое, як вінаватых у злачынствах супраць чалавечнасці прыцягваюць да адказнасці і што гэта "
                "азначае для Беларусі. Сесія праходзіць на англійскай мове."
            ),
        },
        "speakers": ["moderator", "intl-org", "law-expert"],
    },
    {
        "key": "declaration-closing",
        "start_local": "2021-06-24 18:45",
        "end_local": "2021-06-24 19:00",
        "language": "multi",
        "title": {
            "en": "The Declaration and closing of the Forum",
            "ru": "Декларация и закрытие форума",
            "be": "Дэкларацыя і закрыццё форуму",
        },
        "description": {
            "en": (
                "Participants are invited to sign the Declaration, addressed to all who are ready to take part "
                "in the programme of prosecuting those responsible for crimes against humanity in Belarus. The "
                "Forum closes with its call: in the New Belarus of the 21st century there must be no place for "
                "torture."
            ),
            "ru": (
                "Участникам предлагается подписать Декларацию, обращённую ко всем, кто готов участвовать "
                "в программе привлечения к ответственности виновных в преступлениях против человечности "
                "в Беларуси. Форум завершается призывом: в Новой Беларуси XXI века не должно быть места пыткам."
            ),
            "be": (
                "Удзельнікам прапануюць падпісаць Дэкларацыю, звернутую да ўсіх, хто гатовы ўдзельнічаць "
                "у праграме прыцягнення да адказнасці вінаватых у злачынствах супраць чалавечнасці ў Беларусі. "
                "Форум завяршаецца заклікам: у Новай Беларусі XXI стагоддзя не павінна быць месца катаванням."
            ),
        },
        "speakers": ["moderator", "embassies"],
    },
]

DECLARATION = {
    "title": {
        "en": "Declaration “New Belarus without Torture”",
        "ru": "Декларация «Новая Беларусь без пыток»",
        "be": "Дэкларацыя «Новая Беларусь без катаванняў»",
    },
    "text": {
        "en": (
            "We, the undersigned participants and supporters of the online forum “New Belarus against Torture”, "
            "state that after 9 August 2020 the regime, disregarding international treaties and national "
            "legislation, has deliberately pursued a policy of mass torture and contempt for fundamental human "
            "rights and freedoms. In the three days from 9 to 12 August, according to official figures alone, "
            "more than 7,000 peaceful protesters were detained. As human rights organisations note, almost every "
            "detainee reports disproportionate use of force, torture and inhuman treatment, and the failure to "
            "inform relatives and lawyers of where they were being held. Responsibility for this system lies both "
            "with those who carried it out and with those who gave the orders. We therefore declare:"
            "\n\n"
            "1. Every case of torture and inhuman treatment must be recorded, documented and preserved to "
            "international standards, so that the evidence can be used in national and international proceedings."
            "\n\n"
            "2. Survivors of torture and their families must receive medical, psychological, legal and social "
            "assistance without delay, wherever they are, with full respect for their safety and dignity."
            "\n\n"
            "3. All those responsible — those who committed torture, those who gave the orders and those who "
            "concealed these crimes — must be brought to justice. We call on states to exercise universal "
            "jurisdiction and on international organisations to use every available international mechanism to "
            "this end."
            "\n\n"
            "4. The prohibition of torture is absolute, and no order or circumstance can justify it. There must "
            "be no amnesty, no pardon, no statute of limitations and no impunity for torture and crimes against "
            "humanity."
            "\n\n"
            "5. Victims of torture have the right to full rehabilitation, fair and adequate compensation, public "
            "acknowledgement of the truth and guarantees of non-repetition."
            "\n\n"
            "6. Human rights defenders, lawyers, journalists, medical workers and whistle-blowers who expose "
            "torture must be protected from persecution and reprisals."
            "\n\n"
            "7. The New Belarus must ratify and apply the Optional Protocol to the UN Convention against Torture, "
            "ensure independent monitoring of all places of detention, and guarantee every detainee immediate "
            "access to a lawyer and the right to have relatives informed of where they are held."
            "\n\n"
            "In the New Belarus of the 21st century there must be no place for torture and inhuman cruelty. We "
            "invite everyone who cares about the fate of the victims of torture, and who is ready to take part in "
            "the programme of prosecuting all those responsible for crimes against humanity in Belarus, to sign "
            "this Declaration."
        ),
        "ru": (
            "Мы, нижеподписавшиеся участники и сторонники онлайн-форума «Новая Беларусь против пыток», "
            "констатируем: после 9 августа 2020 года режим, игнорируя международные договоры и национальное "
            "законодательство, целенаправленно проводит политику массовых пыток и пренебрежения основными правами "
            "и свободами человека. За три дня, с 9 по 12 августа, только по официальным данным были задержаны "
            "более 7000 мирных протестующих. Как отмечают правозащитные организации, практически каждый "
            "задержанный сообщает о несоразмерном применении силы, пытках и бесчеловечном обращении, а также о "
            "том, что ни родственникам, ни адвокатам не сообщали, где он находится. Ответственность за эту "
            "систему несут как исполнители, так и те, кто отдавал приказы. Поэтому мы заявляем:"
            "\n\n"
            "1. Каждый случай пыток и бесчеловечного обращения должен быть зафиксирован, задокументирован и "
            "сохранён в соответствии с международными стандартами, чтобы доказательства можно было использовать в "
            "национальных и международных разбирательствах."
            "\n\n"
            "2. Пострадавшие от пыток и их близкие должны безотлагательно получать медицинскую, психологическую, "
            "юридическую и социальную помощь, где бы они ни находились, при полном уважении к их безопасности и "
            "достоинству."
            "\n\n"
            "3. Все виновные — те, кто применял пытки, те, кто отдавал приказы, и те, кто скрывал эти "
            "преступления, — должны быть привлечены к ответственности. Мы призываем государства применять принцип "
            "универсальной юрисдикции, а международные организации — использовать для этого все доступные "
            "международные механизмы."
            "\n\n"
            "4. Запрет пыток абсолютен, и никакие приказы или обстоятельства не могут их оправдать. Для пыток и "
            "преступлений против человечности не должно быть ни амнистии, ни помилования, ни срока давности, ни "
            "безнаказанности."
            "\n\n"
            "5. Жертвы пыток имеют право на полную реабилитацию, справедливую и адекватную компенсацию, публичное "
            "признание правды и гарантии неповторения."
            "\n\n"
            "6. Правозащитники, адвокаты, журналисты, медицинские работники и все, кто разоблачает пытки изнутри "
            "системы, должны быть защищены от преследования и репрессий."
            "\n\n"
            "7. Новая Беларусь должна ратифицировать и применять Факультативный протокол к Конвенции ООН против "
            "пыток, обеспечить независимый мониторинг всех мест лишения свободы и гарантировать каждому "
            "задержанному немедленный доступ к адвокату и право на то, чтобы родственникам сообщали о месте его "
            "содержания."
            "\n\n"
            "В Новой Беларуси XXI века не должно быть места пыткам и бесчеловечной жестокости. Мы приглашаем "
            "подписать эту Декларацию всех, кому не безразлична судьба жертв пыток и кто готов участвовать в "
            "программе привлечения к ответственности всех виновных в преступлениях против человечности в "
            "Беларуси."
        ),
        "be": (
            "Мы, ніжэйпадпісаныя ўдзельнікі і прыхільнікі анлайн-форуму «Новая Беларусь супраць катаванняў», "
            "канстатуем: пасля 9 жніўня 2020 года рэжым, ігнаруючы міжнародныя дамовы і нацыянальнае "
            "заканадаўства, мэтанакіравана праводзіць палітыку масавых катаванняў і пагарды да асноўных правоў і "
            "свабод чалавека. За тры дні, з 9 па 12 жніўня, толькі паводле афіцыйных звестак было затрымана больш "
            "за 7000 мірных удзельнікаў пратэстаў. Як адзначаюць праваабарончыя арганізацыі, амаль кожны "
            "затрыманы паведамляе пра непрапарцыйнае ўжыванне сілы, катаванні і бесчалавечнае абыходжанне, а "
            "таксама пра тое, што ні сваякам, ні адвакатам не паведамлялі, дзе ён знаходзіцца. Адказнасць за "
            "гэтую сістэму нясуць як выканаўцы, так і тыя, хто аддаваў загады. Таму мы заяўляем:"
            "\n\n"
            "1. Кожны выпадак катаванняў і бесчалавечнага абыходжання павінен быць зафіксаваны, задакументаваны і "
            "захаваны ў адпаведнасці з міжнароднымі стандартамі, каб доказы можна было выкарыстаць у нацыянальных "
            "і міжнародных разбіральніцтвах."
            "\n\n"
            "2. Пацярпелыя ад катаванняў і іх блізкія павінны неадкладна атрымліваць медычную, псіхалагічную, "
            "юрыдычную і сацыяльную дапамогу, дзе б яны ні знаходзіліся, пры поўнай павазе да іх бяспекі і "
            "годнасці."
            "\n\n"
            "3. Усе вінаватыя — тыя, хто катаваў, тыя, хто аддаваў загады, і тыя, хто ўтойваў гэтыя злачынствы, — "
            "павінны быць прыцягнутыя да адказнасці. Мы заклікаем дзяржавы ўжываць прынцып універсальнай "
            "юрысдыкцыі, а міжнародныя арганізацыі — выкарыстоўваць для гэтага ўсе даступныя міжнародныя "
            "механізмы."
            "\n\n"
            "4. Забарона катаванняў абсалютная, і ніякія загады ці абставіны не могуць іх апраўдаць. Для "
            "катаванняў і злачынстваў супраць чалавечнасці не павінна быць ні амністыі, ні памілавання, ні "
            "тэрміну даўнасці, ні беспакаранасці."
            "\n\n"
            "5. Ахвяры катаванняў маюць права на поўную рэабілітацыю, справядлівую і адэкватную кампенсацыю, "
            "публічнае прызнанне праўды і гарантыі таго, што падобнае не паўторыцца."
            "\n\n"
            "6. Праваабаронцы, адвакаты, журналісты, медыцынскія работнікі і ўсе, хто выкрывае катаванні знутры "
            "сістэмы, павінны быць абароненыя ад пераследу і рэпрэсій."
            "\n\n"
            "7. Новая Беларусь павінна ратыфікаваць і ўжываць Факультатыўны пратакол да Канвенцыі ААН супраць "
            "катаванняў, забяспечыць незалежны нагляд за ўсімі месцамі пазбаўлення волі і гарантаваць кожнаму "
            "затрыманаму неадкладны доступ да адваката і права на тое, каб сваякам паведамлялі пра месца яго "
            "ўтрымання."
            "\n\n"
            "У Новай Беларусі XXI стагоддзя не павінна быць месца катаванням і бесчалавечнай жорсткасці. Мы "
            "запрашаем падпісаць гэтую Дэкларацыю ўсіх, каму не абыякавы лёс ахвяр катаванняў і хто гатовы "
            "ўдзельнічаць у праграме прыцягнення да адказнасці ўсіх вінаватых у злачынствах супраць чалавечнасці "
            "ў Беларусі."
        ),
    },
}
