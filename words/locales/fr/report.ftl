# Les documents d'un export (lucarne-report) : le rapport PDF, LISEZMOI.txt et les projets de
# lettres. Faits seulement ; chaque fait renvoie au fichier de l'export qui le prouve.

## Rapport PDF
report-title = Rapport Lucarne : ce que votre administration peut faire avec votre iPad
report-subject = Relevé signé de la configuration d'un iPad géré par une administration, avec sa chronologie et ses preuves.
report-footer = Rapport Lucarne — { $device } — page { $page } sur { $pages }
report-owner = Établi pour : { $owner }
report-owner-none = Établi pour : l'utilisateur de cet iPad (nom non indiqué)
report-period = Période : du { $from } au { $to } — { $count ->
    [one] { $count } instantané
   *[other] { $count } instantanés
}
report-generated = Export réalisé le { $date } à { $time } (UTC).
report-attested-server = Export attesté par le serveur Lucarne (manifeste signé par sa clé).
report-attested-local = Export construit à partir de l'historique de cet ordinateur seul : il n'est pas attesté par le serveur.
report-read-first = Ce rapport dit ce que la configuration de l'iPad permet à l'administration de faire, pas ce qu'elle a fait : ce qu'elle a fait est écrit dans les journaux de son serveur MDM, que Lucarne ne voit pas (voir « Ce que Lucarne n'a pas pu voir »).

report-who-title = Qui, quel appareil, quelle période
report-analysed = Ce qui suit décrit l'instantané n° { $sequence } du { $date }, le plus récent de la période (fichier { $file }).
report-can-title = Ce que l'administration peut faire
report-cannot-title = Ce que l'administration ne peut pas faire
report-details-title = Le détail, avec les preuves
report-details-intro = Chaque capacité est suivie de ce qui la rend possible, tel que lu dans le profil installé sur l'iPad.
report-condition = À condition que : { $condition }

report-timeline-title = Chronologie des changements
report-timeline-intro = Chaque instantané est comparé au précédent. Les dates sont celles que l'ordinateur de l'utilisateur a signées ; voir à la fin qui atteste chaque instantané.
report-timeline-first = Premier instantané de la période.
report-timeline-same = { $count ->
    [one] { $count } instantané sans changement
   *[other] { $count } instantanés sans changement
}, du { $from } au { $to }.
report-timeline-file = Fichier : { $file }
report-timeline-none = Aucun instantané dans cette période.
report-server-alerts-title = Ce que seul le serveur rapporte
report-server-alert = Selon le serveur (non signé), le { $date } : { $text }

report-inventory-title = Ce qui est installé sur l'iPad
report-profiles-title = Profils et applications
report-restrictions-title = Restrictions en vigueur
report-restriction = { $meaning } (réglage { $key })
report-restrictions-none = Aucune restriction n'est imposée par les profils.
report-anchors-title = Certificats d'autorité de confiance
report-anchor = « { $subject } », valable jusqu'au { $until } — SHA-256 { $sha256 }
report-anchors-none = Aucun certificat d'autorité n'est installé par les profils.
report-accounts-title = Comptes configurés par l'administration
report-account = { $kind } : serveur { $server }
report-accounts-none = Aucun compte n'est configuré par les profils.

report-method-title = Comment les données ont été recueillies et signées
report-method-collect = Lucarne lit l'iPad sans rien y écrire (par le câble USB, une sauvegarde de l'iPad ou des fichiers de profil) et consigne ce qu'il lit dans un « instantané ».
report-method-sign = Chaque instantané est signé par la clé de l'ordinateur de l'utilisateur (Ed25519) et chaîné au précédent : on ne peut ni en retirer un, ni en modifier un, ni en insérer un sans que la vérification échoue.
report-method-log = Le serveur Lucarne inscrit chaque instantané reçu dans un journal public en ajout seul (un arbre de Merkle, comme les journaux de transparence des certificats) et rend un reçu avec une preuve d'inclusion.
report-method-who = Qui atteste quoi :
report-method-count = { $attest } : { $count ->
    [one] { $count } instantané
   *[other] { $count } instantanés
}.

report-unseen-title = Ce que Lucarne n'a pas pu voir
report-unseen-mdm = Les journaux du serveur MDM : quelles commandes ont été envoyées à l'iPad (localisation, verrouillage, effacement, inventaire, installations), quand, par qui et pourquoi. Seule l'administration les détient : la demande d'accès (article 15 du RGPD) jointe en projet les lui demande.
report-unseen-mail = Les journaux d'audit du serveur de messagerie { $servers } : qui a ouvert votre boîte aux lettres, quand et avec quels droits. Seule l'administration les détient.
report-unseen-between = Ce qui s'est passé entre deux instantanés : une configuration installée puis retirée entre deux lectures n'apparaît pas.

report-verify-title = Comment vérifier ce fichier
report-verify-how = Ce rapport accompagne un export Lucarne (fichier ZIP). Pour vérifier l'export sans réseau, avec le logiciel libre Lucarne :
report-verify-command = lucarne verify EXPORT.zip
report-verify-what = La commande vérifie chaque signature, la chaîne des instantanés, les preuves d'inclusion et de cohérence du journal, les jetons d'horodatage et la signature du manifeste ; elle nomme tout ce qui échoue. Comparez les empreintes ci-dessous avec celles que publie le serveur et avec celle que montre « lucarne key show » sur l'ordinateur de l'utilisateur.
report-verify-data = Les faits de ce rapport, sans mise en forme, sont joints à ce PDF (fichier data.json) et figurent dans l'export.
report-key = { $role ->
    [agent] Clé de l'ordinateur de l'utilisateur
    [log] Clé du journal du serveur
   *[export] Clé d'export du serveur
} (fichier { $file }) :

report-annex-title = Annexe : les instantanés de la période
report-annex-intro = Un instantané par ligne : numéro, date signée, qui l'atteste, fichier.
report-annex-row = n° { $sequence }
report-annex-more = { $count ->
    [one] { $count } autre instantané figure
   *[other] { $count } autres instantanés figurent
} dans data.json.

## LISEZMOI.txt
readme-title = LISEZMOI — export Lucarne
readme-intro = Ce dossier est un export Lucarne : le relevé signé de la configuration de l'iPad « { $device } » du { $from } au { $to }. Il sert de pièce pour une plainte à la CNIL ou pour un avocat.
readme-contents-title = Ce que contient ce dossier
readme-file-report = rapport.pdf : le rapport, à lire en premier (PDF/A, pour l'archivage).
readme-file-letters = lettres/ : deux projets de lettres, à compléter et signer : la demande d'accès au délégué à la protection des données (article 15 du RGPD) et la plainte à la CNIL.
readme-file-data = data.json : les faits du rapport, sans mise en forme.
readme-file-devices = devices/ : chaque instantané signé (.envelope.json) et, quand le serveur l'a reçu, son reçu avec la preuve d'inclusion (.receipt.json).
readme-file-log = log/ et keys/ : le point de contrôle signé du journal, les preuves de cohérence, les jetons d'horodatage et les clés publiques.
readme-file-manifest = MANIFEST, MANIFEST.sig, MANIFEST.tsr : l'empreinte SHA-256 de chaque fichier, signée par le serveur, et horodatée quand une autorité d'horodatage est configurée.
readme-attest-title = Qui atteste quoi
readme-attest-server = Cet export est attesté par le serveur Lucarne.
readme-attest-local = Cet export a été construit sur l'ordinateur de l'utilisateur, sans le serveur : il n'est pas attesté par le serveur ; seules les signatures de l'ordinateur le garantissent.
readme-counts = Sur { $total } instantanés : { $log } inscrits dans le journal du serveur, { $time } dont la date est attestée par une autorité d'horodatage.
readme-verify-title = Comment vérifier
readme-verify-1 = Installer Lucarne (logiciel libre, licence EUPL-1.2) et lancer, sans réseau :
readme-verify-2 = La commande répond 0 quand toutes les vérifications possibles ont réussi, et nomme chaque fichier en défaut sinon.
readme-verify-3 = Comparer ces empreintes avec celles que publie le serveur et avec celle que montre « lucarne key show » sur l'ordinateur de l'utilisateur :
readme-limits-title = Limites
readme-limits = Ces fichiers montrent ce que la configuration de l'iPad permet à l'administration, et quand elle a changé. Ils ne montrent pas ce que l'administration a fait : ses journaux MDM et ceux de son serveur de messagerie ne sont pas sur l'iPad.

## Lettres
letter-sender = [Vos prénom et nom]
letter-address = [Votre adresse]
letter-place-date = Fait à [ville], le [date]
letter-signature = [Signature]
letter-files-note = Chaque fait renvoie au fichier de l'export Lucarne joint qui le prouve ; l'export se vérifie avec la commande « lucarne verify ».
letter-quote-note = Les phrases entre guillemets sont celles du rapport Lucarne joint, qui s'adresse à l'utilisateur de l'iPad : « vous » y désigne le signataire de cette lettre.
letter-file = (fichier : { $file })
letter-files = (fichiers : { $files })
fact-device = L'iPad « { $name } » ({ $model }, iPadOS { $os }) est géré par le serveur MDM { $mdm }{ $organisation ->
    [none] {""}
   *[other] {""} de l'organisation « { $organisation } »
}. Supervisé : { $supervised }.
fact-device-unmanaged = L'iPad « { $name } » ({ $model }, iPadOS { $os }) n'a pas de serveur MDM connu dans l'instantané du { $date }.
fact-capability = Au { $date }, selon la configuration de l'iPad, l'administration peut : « { $text } »
fact-change = Entre le { $before } et le { $date } : « { $text } »
fact-mail = Au { $date }, un compte de messagerie configuré par l'administration est installé sur l'iPad (serveur { $server }).
fact-server-alert = Selon le serveur Lucarne (non signé), le { $date } : « { $text } »

letter15-to = À l'attention du délégué à la protection des données
letter15-org = { $organisation ->
    [none] [Nom et adresse de la collectivité]
   *[other] { $organisation } — [adresse]
}
letter15-subject = Objet : demande d'accès à mes données personnelles (article 15 du RGPD) — iPad de fonction
letter15-opening = Madame, Monsieur,
letter15-context = J'utilise un iPad de fonction géré par votre organisation au moyen d'un système de gestion des appareils mobiles (MDM). Du { $from } au { $to }, j'ai relevé sur cet appareil les faits suivants :
letter15-ask = En application de l'article 15 du règlement (UE) 2016/679, je vous demande la confirmation que des données me concernant sont traitées au moyen de ce système, et communication de :
letter15-ask-commands = l'historique des commandes envoyées par le MDM à cet iPad du { $from } au { $to } : interrogations de l'appareil (informations, applications et profils installés), demandes de localisation et activations du mode Perdu, verrouillages, effacements, installations et suppressions de profils et d'applications ; pour chacune, sa date, son auteur (le compte d'administrateur qui l'a envoyée) et sa finalité ;
letter15-ask-mail = les journaux d'audit d'accès aux boîtes aux lettres du serveur de messagerie { $servers } concernant ma boîte : qui l'a ouverte, quand, et en vertu de quels droits d'administrateur (délégation, accès complet, exportation) ;
letter15-ask-purposes = les finalités de ces traitements, leur base légale, les destinataires, la durée de conservation et la source des données.
letter15-cjeu = La Cour de justice de l'Union européenne a jugé que le droit d'accès comprend les informations relatives aux dates et aux finalités des opérations de consultation de données personnelles (CJUE, 22 juin 2023, Pankki S, C-579/21).
letter15-deadline = Je vous remercie de me répondre dans le délai d'un mois prévu à l'article 12, paragraphe 3, du RGPD.
letter15-closing = Veuillez agréer, Madame, Monsieur, l'expression de mes salutations distinguées.

cnil-to = Commission nationale de l'informatique et des libertés — service des plaintes
cnil-subject = Objet : plainte — traitement de mes données au moyen de l'iPad de fonction géré par { $organisation ->
    [none] [nom de la collectivité]
   *[other] { $organisation }
}
cnil-opening = Madame, Monsieur,
cnil-context = J'utilise un iPad de fonction géré par { $organisation ->
    [none] [nom de la collectivité]
   *[other] « { $organisation } »
} au moyen d'un système de gestion des appareils mobiles (MDM). Du { $from } au { $to }, l'outil libre Lucarne a relevé et signé les faits suivants :
cnil-prior = Le [date], j'ai adressé au délégué à la protection des données de cette organisation une demande d'accès (article 15 du RGPD), jointe. [Réponse reçue le … / Aucune réponse à ce jour.]
cnil-ask = Je vous demande d'examiner si ces traitements respectent le RGPD, en particulier la licéité, la transparence et la minimisation des données, et si l'organisation a répondu à ma demande d'accès.
cnil-attachments = Pièces jointes : l'export Lucarne (fichier ZIP, vérifiable sans réseau par « lucarne verify ») avec son rapport rapport.pdf ; la demande d'accès et la réponse reçue, le cas échéant.
cnil-closing = Veuillez agréer, Madame, Monsieur, l'expression de mes salutations distinguées.

## Termes du rapport
attest-short-agent-signed = signé par votre ordinateur
attest-short-log-included = inscrit au journal du serveur (entrée { $index })
attest-short-time-attested = horodaté (au plus tard le { $date })
attest-short-server-says = selon le serveur
account-kind-mail = Messagerie (IMAP/POP)
account-kind-exchange = Messagerie Exchange
account-kind-caldav = Calendrier (CalDAV)
account-kind-carddav = Contacts (CardDAV)
account-kind-ldap = Annuaire (LDAP)
account-kind-google = Compte Google
account-kind-subscribed-calendar = Calendrier abonné
attest-label-agent-signed = Signé par la clé de votre ordinateur
attest-label-log-included = Inscrit dans le journal du serveur (preuve d'inclusion)
attest-label-time-attested = Date attestée par une autorité d'horodatage
attest-label-server-says = Seulement selon le serveur (non signé)
letter-more-facts = … et { $count ->
    [one] { $count } autre fait, dans le rapport joint.
   *[other] { $count } autres faits, dans le rapport joint.
}
