"""The tool ids the contract's `integration_tool` enum lists (closed in the official SDKs)."""

from __future__ import annotations

CONTRACT_TOOL_IDS: tuple[str, ...] = tuple(
    """
    workday successfactors smartrecruiters factorial oraclerecruiting lever icims cornerstonetalentlink recruitee
    recruiterflow atlas greenhouse greenhousev3 greenhousejobboard teamtailor teamtailorjobboards ashby talentsoft
    talentsoftcustomer concludis perbilityhelix talention piloga onlyfy personio ukgpro ukgready adpworkforcenow
    taleo rexx afas bamboohr bullhorn4salesforce bullhorn bullhornlogin workable jobvite fountain softgarden
    softgardenpartner pinpoint welcometothejungle dvinci dvinciadmin join sagehr traffit erecruiter abacusumantis
    umantis jobylon taleez hrworks otys zohorecruit ceipal eploy jobdiva careerplug perview eightfold paylocity
    paycor avature apploi phenom paradox heyrecruit recruhr recruitcrm jazzhr bite brassring homerun mysolution
    carerix carerixgraphql hroffice talentclue inrecruiting jobadder ubeeo connexys hr4you cornerstoneondemand
    zvooverecruit odoo comeet compleetpitcher compleetpersy compleet gem laura covetorest coveto mercury crelate
    manatal avionte mhmhr asymbl breezyhr flatchr dayforce digitalrecruiters applicantstack reachmee talentadore
    sandbox guidecom spott logicmelon loxo kula trackerrms databites pageup talent360 emplypeople
    workdaycustomreport workdaycustomreportsftp ukgprowfm adpdecidium payfitcustomer payfitpartner payfit
    employmenthero fourth kenjo heavenhr hibob cezannehr entraid azuread googleworkspace nmbrs deel remotecom
    iriscascade okta sagepeople humaans eurecia oraclehcm officient sesamehr charliehr abacus zohopeople gusto
    breathehr catalystone mirus alexishr simployer peple youserve hansalog lattice latticetalent hoorayhr trinet
    trinetpeo namely paycom insperity paychex rippling sapling peoplehr lucca zelt planday boondmanager haileyhr
    silae skello oysterhr kiwihr square leapsome loket workforcecom peoplefirst sdworx itrent absenceio
    a3innuvanomina scim datevlauds datevhr datev datevlug sympa youforce nibelis peoplexd zellis sftp sftpfetch
    360learning talentlms docebo coursera udemy linkedinlearning moodle
    """.split()
)
